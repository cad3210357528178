/**
 * respond: a reviewer's question about a waiting run, answered in one model call from the context the run
 * assembled (plan, grounded answers and sources, checklist, candidates and verdicts). No render, no search, no
 * memory: the question changes nothing of the run.
 */
import type { Source } from '../common/evidence';
import type { Modelled } from '../common/modelCall';
import type { QuestionInput } from '../common/questionContext';
import type { AgentDeps } from './agentDeps';

export function answerReviewQuestionActivity(deps: Pick<AgentDeps, 'models'>) {
  return async function answerReviewQuestion(input: QuestionInput): Promise<Modelled<{ answer: string; sources: Source[] }>> {
    return deps.models.respondent.respond(input);
  };
}
