/** The reason route: the LLM answers a question with explicit context items. */
import { z } from 'zod';
import type { Modelled } from '../../common/modelCall';
import type { ContextItem } from '../../common/evidence';
import type { ReasonInput, Reasoner } from '../agentRoles';
import { fenced, withFenceRule } from '../dataFence';
import type { ChatModel } from '../chatModel';

const answerSchema = z.object({
  answer: z.string(),
  items: z.array(z.string().min(1)).max(12),
});

const SYSTEM = withFenceRule(`You answer one question that an image request leaves implicit, so a renderer can draw it exactly.
Work it out step by step internally, then give a concise final answer and the explicit, visual context items it implies
(counts, arrangements, states, labels, the correct object). Do not invent facts that need a lookup. JSON only.`);

export class ChatReasoner implements Reasoner {
  constructor(
    private readonly chat: ChatModel,
    private readonly model: string,
  ) {}

  async answer(input: ReasonInput): Promise<Modelled<{ answer: string; items: ContextItem[] }>> {
    // Parent answers may come from web search: they are data.
    const parents = input.parents.length
      ? `\nKnown answers it builds on:\n${fenced('known answers', input.parents.map((p) => `- ${p.question} → ${p.answer}`).join('\n'))}`
      : '';
    const { value, call } = await this.chat.structured({
      purpose: 'reason',
      model: this.model,
      system: SYSTEM,
      user: `Today is ${input.today}.\nImage request: ${input.request}\nQuestion: ${input.question}${parents}`,
      schema: answerSchema,
      schemaName: 'reason_answer',
    });
    return { value: { answer: value.answer, items: value.items.map((text) => ({ text, sources: [] })) }, calls: [call] };
  }
}
