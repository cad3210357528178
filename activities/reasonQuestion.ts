/** ground / reason: the LLM answers a question routed to reasoning, with explicit context items. */
import type { GroundedAnswer } from '../common/evidence';
import type { AgentDeps } from './agentDeps';
import { answerBase, type GroundQuestionInput } from './groundingInput';

export function reasonQuestionActivity(deps: Pick<AgentDeps, 'models'>) {
  return async function reasonQuestion(input: GroundQuestionInput): Promise<GroundedAnswer> {
    const started = Date.now();
    const { value, calls } = await deps.models.reasoner.answer({
      request: input.request,
      question: input.question.question,
      parents: input.parents,
      today: input.today,
    });
    return {
      ...answerBase(input),
      status: value.answer || value.items.length ? 'answered' : 'no_answer',
      answer: value.answer,
      items: value.items,
      references: [],
      via: calls[0]?.model ?? deps.models.provider,
      calls,
      durationMs: Date.now() - started,
    };
  };
}
