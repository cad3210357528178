/**
 * One grounding question, answered by the source the planner routed it to (reason, web search, image
 * search, memory), each its own activity. A source that fails after its retries leaves the question
 * unanswered with the reason; an ablation skips it.
 */
import { ActivityFailure } from '@temporalio/workflow';
import type { RecallMemoryResult } from '../activities/recallMemory';
import { failureReason } from '../common/causeChain';
import type { GroundedAnswer } from '../common/evidence';
import type { PlannedQuestion } from '../common/plan';
import type { Ablations } from '../common/request';
import type { Degradation } from '../common/runResult';
import type { RunActivities } from './activityStubs';

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
    switch (q.route) {
      case 'reason':
        return { answer: await acts.reason.reasonQuestion.executeWithOptions({ summary }, [input]) };
      case 'web_search':
        return { answer: await acts.web.searchWeb.executeWithOptions({ summary }, [input]) };
      case 'image_search':
        return { answer: await acts.images.searchImages.executeWithOptions({ summary }, [input]) };
      case 'memory': {
        const recalled = await acts.memoryRead.recallMemory.executeWithOptions({ summary }, [
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
    }
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
  if (a.noReason && q.route === 'reason') return 'reasoning is switched off (--no-reason)';
  if (a.noSearch && (q.route === 'web_search' || q.route === 'image_search')) return 'search is switched off (--no-search)';
  if (a.noMemory && q.route === 'memory') return 'memory is switched off (--no-memory)';
  return undefined;
}

function unanswered(q: PlannedQuestion, status: 'skipped' | 'no_answer', note: string): GroundedAnswer {
  return { questionId: q.id, question: q.question, route: q.route, status, answer: '', items: [], references: [], via: 'none', calls: [], durationMs: 0, note };
}
