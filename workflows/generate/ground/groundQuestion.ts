/**
 * One grounding question, answered by the source the planner routed it to, each its own activity (one row
 * of common/groundingRoutes.ts per source). A source that fails after its retries leaves the question
 * unanswered with the reason; an ablation skips it.
 */
import { ActivityFailure } from '@temporalio/workflow';
import type { RecallMemoryResult } from '../../../activities/recallMemory';
import { failureReason } from '../../../common/causeChain';
import type { GroundedAnswer } from '../../../common/evidence';
import { GROUNDING_ABLATIONS, GROUNDING_ROUTES } from '../../../common/groundingRoutes';
import type { PlannedQuestion } from '../../../common/plan';
import type { Ablations } from '../../../common/request';
import type { Degradation } from '../../../common/runResult';
import type { RunActivities } from '../../activityStubs';

/** What answering a question needs to know about the run. */
export interface QuestionArgs {
  request: string;
  tenantId: string;
  userId: string;
  today: string;
  ablations: Ablations;
  excludeWorkflowIds: string[];
  memoryBudgetChars: number;
}

export interface QuestionResult {
  answer: GroundedAnswer;
  recalled?: RecallMemoryResult;
  degraded?: Degradation;
}

export async function answerQuestion(acts: RunActivities, args: QuestionArgs, q: PlannedQuestion, parents: GroundedAnswer[]): Promise<QuestionResult> {
  const skipped = skipReason(q, args.ablations);
  if (skipped) return { answer: unanswered(q, 'skipped', skipped) };
  const input = { request: args.request, question: q, parents, today: args.today };
  const summary = `${q.route} ${q.id}: ${q.question}`.slice(0, 200);
  try {
    if (q.route === 'memory') {
      const recalled = await acts.ground.memory.executeWithOptions({ summary }, [
        {
          tenantId: args.tenantId,
          userId: args.userId,
          request: args.request,
          question: q,
          excludeWorkflowIds: args.excludeWorkflowIds,
          budgetChars: args.memoryBudgetChars,
        },
      ]);
      return { answer: recalled.answer ?? unanswered(q, 'no_answer', 'memory returned nothing'), recalled };
    }
    // Every other route's activity answers the question itself; one whose activity takes other input
    // fails to compile here.
    return { answer: await acts.ground[q.route].executeWithOptions({ summary }, [input]) };
  } catch (err) {
    if (err instanceof ActivityFailure) {
      const note = `the ${q.route} source failed after its retries (${failureReason(err)})`;
      return {
        answer: unanswered(q, 'no_answer', note),
        ...(q.route === 'memory'
          ? { degraded: { stage: 'ground', dependency: 'memory', reason: `question ${q.id} went unanswered: ${note}` } as Degradation }
          : {}),
      };
    }
    throw err;
  }
}

function skipReason(q: PlannedQuestion, a: Ablations): string | undefined {
  const { ablation } = GROUNDING_ROUTES[q.route];
  return a[ablation] ? GROUNDING_ABLATIONS[ablation] : undefined;
}

function unanswered(q: PlannedQuestion, status: 'skipped' | 'no_answer', note: string): GroundedAnswer {
  return { questionId: q.id, question: q.question, route: q.route, status, answer: '', items: [], references: [], via: 'none', calls: [], durationMs: 0, note };
}
