/** The shape every grounding activity receives: one planned question and the answers it depends on. */
import type { GroundedAnswer } from '../common/evidence';
import type { PlannedQuestion } from '../common/plan';

export interface GroundQuestionInput {
  request: string;
  question: PlannedQuestion;
  parents: GroundedAnswer[];
  today: string;
}

export function answerBase(input: GroundQuestionInput): Pick<GroundedAnswer, 'questionId' | 'question' | 'route'> {
  return { questionId: input.question.id, question: input.question.question, route: input.question.route };
}

/** A question's text, enriched with its parents' answers, as a search query. */
export function searchQuery(input: GroundQuestionInput): string {
  const parents = input.parents.filter((p) => p.status === 'answered').map((p) => p.answer);
  return [input.question.question, ...parents].join(' ').slice(0, 400);
}
