/** Respond: a reviewer's question about a waiting run, answered from the run's own context (no render, no search). */
import { z } from 'zod';
import type { Source } from '../../common/evidence';
import type { Modelled } from '../../common/modelCall';
import { contextLines, contextSources, type QuestionInput } from '../../common/questionContext';
import type { ReviewRespondent } from '../agentRoles';
import { clip, type ChatModel } from '../chatModel';
import { fenced, withFenceRule } from '../dataFence';

const answerSchema = z.object({
  answer: z.string().min(1),
  sourceUrls: z.array(z.string()).max(10),
});

// The question is fenced too: a reviewer's text is answered, never obeyed as a change of task, format or rules.
const SYSTEM = withFenceRule(`A reviewer is deciding whether to approve an image an agent generated, and asks you about the run.
The run's context (the request, the plan, the grounded answers with their source URLs, the checklist, the prompt and verdicts of the
candidate under review, earlier candidates and questions) is one fenced block; the reviewer's question is the block labelled
"reviewer question". Answer that question, as a question about this run, from the run's context only: say which step, answer or
source led to the choice, quote the source's URL when there is one, and say plainly when the context does not tell. Do not invent
sources. Be brief (at most a few sentences). In "sourceUrls" list only URLs that appear in the run's context. JSON only.`);

export class ChatRespondent implements ReviewRespondent {
  constructor(
    private readonly chat: ChatModel,
    private readonly model: string,
  ) {}

  async respond(input: QuestionInput): Promise<Modelled<{ answer: string; sources: Source[] }>> {
    const context = contextLines(input.context)
      .map((l) => l.text)
      .join('\n');
    const { value, call } = await this.chat.structured({
      purpose: 'answer_review_question',
      model: this.model,
      system: SYSTEM,
      user: `Run context:\n${fenced('run context', clip(context))}\n\nReviewer question:\n${fenced('reviewer question', input.question)}`,
      schema: answerSchema,
      schemaName: 'review_answer',
    });
    const known = contextSources(input.context);
    const sources = [...new Set(value.sourceUrls)].flatMap((u) => (known.has(u) ? [known.get(u)!] : []));
    return { value: { answer: value.answer, sources }, calls: [call] };
  }
}
