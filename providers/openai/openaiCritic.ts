/** The VLM judges a rendered image against the checklist, item by item, with a reason for each. */
import { z } from 'zod';
import type { Verdict } from '../../common/generation';
import type { Modelled } from '../../common/modelCall';
import type { CritiqueInput, ImageCritic } from '../agentRoles';
import type { ChatModel } from './chatModel';

const critiqueSchema = z.object({
  results: z.array(z.object({ item: z.number().int().min(1), pass: z.boolean(), reason: z.string().default('') })),
});

const SYSTEM = `You are a strict visual inspector. The first image is the generated image; any further images are references it should follow.
For each numbered statement, decide whether it is clearly true of the generated image (pass) or not (fail), and say briefly what you see.
Count objects carefully and read rendered text letter by letter. When unsure, fail. JSON only.`;

export class OpenAICritic implements ImageCritic {
  readonly provider = 'openai' as const;

  constructor(
    private readonly chat: ChatModel,
    readonly model: string,
  ) {}

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
    // A missing verdict is a failure: an item the judge did not confirm is not met.
    const verdicts = input.checklist.map((item, i) => {
      const r = value.results.find((x) => x.item === i + 1);
      return { itemId: item.id, pass: r?.pass ?? false, reason: r ? r.reason : 'the judge gave no verdict for this item' };
    });
    return { value: verdicts, calls: [call] };
  }
}
