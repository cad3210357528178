/** The feedback checklist, planned once per request: yes/no statements the image must satisfy. */
import { z } from 'zod';
import type { ChecklistItem } from '../../common/generation';
import type { Modelled } from '../../common/modelCall';
import type { ChecklistInput, ChecklistPlanner } from '../agentRoles';
import { InvalidModelOutputError } from '../modelErrors';
import { withFenceRule } from '../dataFence';
import type { ChatModel } from '../chatModel';
import { answersText, memoryText } from './contextText';

const checklistSchema = z.object({
  items: z
    .array(z.object({ statement: z.string().min(3), imageId: z.string().optional() }))
    .min(1)
    .max(10),
});

const SYSTEM = withFenceRule(`You write the checklist a vision model will use to verify a generated image.
Each item is one concrete, visually checkable yes/no statement that must be true of a correct image: exact counts, the right
object or answer, required text (quoted exactly), layout, style, things that must be absent. Use the grounded facts, not the
request's riddle ("exactly 7 apples", not "3²−2 apples"). 2 to 6 items; no vague items like "looks good".
For a request with several images, set imageId on items that concern one image. JSON only.`);

export class ChatChecklistPlanner implements ChecklistPlanner {
  constructor(
    private readonly chat: ChatModel,
    private readonly model: string,
  ) {}

  async planChecklist(input: ChecklistInput): Promise<Modelled<ChecklistItem[]>> {
    const images = input.plan.images.length > 1 ? `\nImages: ${input.plan.images.map((i) => `${i.id}: ${i.brief}`).join('; ')}` : '';
    const { value, call } = await this.chat.structured({
      purpose: 'plan_checklist',
      model: this.model,
      system: SYSTEM,
      user: `Request: ${input.request}${images}\nGrounded answers:\n${answersText(input.answers)}\nMemory:\n${memoryText(input.memory)}`,
      schema: checklistSchema,
      schemaName: 'checklist',
    });
    const problem = checklistProblem(value.items.map((i) => i.statement));
    if (problem) throw new InvalidModelOutputError(`plan_checklist: ${problem}`);
    const imageIds = new Set(input.plan.images.map((i) => i.id));
    return {
      value: value.items.map((item, i) => ({
        id: `c${i + 1}`,
        statement: item.statement,
        ...(item.imageId && imageIds.has(item.imageId) ? { imageId: item.imageId } : {}),
      })),
      calls: [call],
    };
  }
}

/**
 * Degenerate checklists are invalid output: the same statement twice, or a keyword list instead of a statement
 * ("apple, squared, minus, wooden"). A statement is a sentence: at least three words, not just commas between words.
 */
function checklistProblem(statements: readonly string[]): string | undefined {
  const seen = new Set<string>();
  for (const s of statements) {
    const key = s.trim().toLowerCase().replace(/\s+/g, ' ');
    if (seen.has(key)) return `the statement "${s}" appears twice`;
    seen.add(key);
    const words = key.split(/[\s,;]+/).filter(Boolean);
    if (words.length < 3 || /^[\p{L}\p{N}'-]+(\s*,\s*[\p{L}\p{N}'-]+)+$/u.test(key)) return `"${s}" is a keyword list, not a statement about the image`;
  }
  return undefined;
}
