/** The VLM judges a rendered image against the checklist, item by item, with a reason for each. */
import { z } from 'zod';
import { verdict, type Verdict } from '../../common/generation';
import type { Modelled } from '../../common/modelCall';
import type { CritiqueInput, ImageCritic } from '../agentRoles';
import { InvalidModelOutputError } from '../modelErrors';
import type { ChatModel } from '../chatModel';

const critiqueSchema = z.object({
  results: z.array(z.object({ item: z.number().int().min(1), pass: z.boolean(), reason: z.string().default('') })),
});

const SYSTEM = `You are a strict visual inspector. The first image is the generated image; any further images are references it should follow.
For each numbered statement, decide whether it is clearly true of the generated image (pass) or not (fail), and say briefly what you see.
Count objects carefully and read rendered text letter by letter. When unsure, fail. JSON only.`;

export class ChatCritic implements ImageCritic {
  constructor(
    private readonly chat: ChatModel,
    readonly model: string,
  ) {}

  /** The chat model's vendor, as its call records carry it. */
  get provider(): string {
    return this.chat.provider;
  }

  async critique(input: CritiqueInput): Promise<Modelled<Verdict[]>> {
    const { value, call } = await this.chat.structured({
      purpose: 'critique_image',
      model: this.model,
      system: SYSTEM,
      user: `The request was: ${input.request}\nStatements:\n${input.checklist.map((c, i) => `${i + 1}. ${c.statement}`).join('\n')}`,
      images: [input.png, ...input.references],
      schema: critiqueSchema,
      schemaName: 'critique',
    });
    // An answer that does not judge every item exactly once is invalid output, retried like any other: an
    // empty list must not read as "every item failed".
    const problem = verdictListProblem(
      value.results.map((r) => r.item),
      input.checklist.length,
    );
    if (problem) throw new InvalidModelOutputError(`critique_image: ${problem}`);
    const verdicts = input.checklist.map((item, i) => {
      const r = value.results.find((x) => x.item === i + 1)!;
      return verdict(item.id, r.pass ? 'pass' : 'fail', r.reason);
    });
    return { value: verdicts, calls: [call] };
  }
}

/** Why a list of judged item numbers (1-based) does not cover `count` items exactly once, or undefined. */
function verdictListProblem(items: readonly number[], count: number): string | undefined {
  if (!items.length && count) return `the verdict list is empty (${count} item(s) to judge)`;
  const unknown = items.filter((n) => n < 1 || n > count);
  if (unknown.length) return `verdicts for unknown item(s) ${unknown.join(', ')} (items are 1-${count})`;
  const duplicate = items.filter((n, i) => items.indexOf(n) !== i);
  if (duplicate.length) return `item(s) ${[...new Set(duplicate)].join(', ')} judged more than once`;
  if (items.length !== count) return `${items.length} verdict(s) for ${count} item(s)`;
  return undefined;
}
