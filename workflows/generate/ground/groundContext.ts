/**
 * ground: the plan's questions as a DAG. Every question whose dependencies are answered starts at once
 * (independent ones in parallel); a dependent question receives its parents' answers. A source that fails
 * after its retries yields an unanswered question with the reason, not a failed run.
 */
import { ActivityFailure } from '@temporalio/workflow';
import { failureReason } from '../../../common/causeChain';
import type { GroundedAnswer, MemoryContext } from '../../../common/evidence';
import type { ContextPlan } from '../../../common/plan';
import type { Degradation } from '../../../common/runResult';
import { activitiesFor } from '../../activityStubs';
import { runDag } from '../../dagRunner';
import { answerQuestion, type QuestionArgs, type QuestionResult } from './groundQuestion';

export interface GroundArgs extends QuestionArgs {
  plan: ContextPlan;
  outageWindow?: string;
}

export interface Grounded {
  answers: GroundedAnswer[];
  memory?: MemoryContext;
  /** Earlier images memory decided the request refers to. */
  memoryReferenceKeys: string[];
  /** What the run went on without (memory during a Postgres outage), and why. */
  degraded: Degradation[];
}

export async function groundContext(args: GroundArgs): Promise<Grounded> {
  const acts = activitiesFor(args.outageWindow);
  const memories: MemoryContext[] = [];
  const degraded: Degradation[] = [];

  // Memory on: the profile is always loaded (cheap), alongside the questions. It never rejects: a store
  // that stays down past its window leaves the run without memory, recorded, and other errors (a
  // cancellation) are rethrown once the questions have settled.
  const profileLoad: Promise<unknown> = args.ablations.noMemory
    ? Promise.resolve(undefined)
    : acts.ground.memory
        .executeWithOptions({ summary: 'load the user profile' }, [
          { tenantId: args.tenantId, userId: args.userId, request: args.request, excludeWorkflowIds: [], budgetChars: args.memoryBudgetChars },
        ])
        .then(
          (r) => {
            memories.unshift(r.memory);
            return undefined;
          },
          (err: unknown) => {
            if (!(err instanceof ActivityFailure)) return err;
            degraded.push({
              stage: 'ground',
              dependency: 'memory',
              reason: `the user profile could not be loaded, so the run went on without it (${failureReason(err)})`,
            });
            return undefined;
          },
        );

  let questionsFailed: unknown;
  const done = await runDag(args.plan.questions, (q, _index, finished: ReadonlyMap<string, QuestionResult>) =>
    answerQuestion(
      acts,
      args,
      q,
      q.dependsOn.map((d) => finished.get(d)!.answer),
    ).then((result) => {
      if (result.recalled) memories.push(result.recalled.memory);
      if (result.degraded) degraded.push(result.degraded);
      return result;
    }),
  ).catch((err: unknown) => {
    questionsFailed = err;
    return new Map<string, QuestionResult>();
  });
  const profileFailed = await profileLoad;
  if (questionsFailed !== undefined) throw questionsFailed;
  if (profileFailed !== undefined) throw profileFailed;
  const results = args.plan.questions.flatMap((q) => done.get(q.id) ?? []);
  return {
    answers: results.map((r) => r.answer),
    memory: mergeMemories(memories),
    memoryReferenceKeys: [...new Set(results.flatMap((r) => r.recalled?.referenceKeys ?? []))],
    degraded,
  };
}

function mergeMemories(memories: MemoryContext[]): MemoryContext | undefined {
  if (!memories.length) return undefined;
  const seenTurns = new Set<string>();
  const seenKnowledge = new Set<string>();
  return {
    profile: memories[0]!.profile,
    turns: memories.flatMap((m) => m.turns).filter((t) => !seenTurns.has(t.workflowId) && seenTurns.add(t.workflowId)),
    knowledge: memories.flatMap((m) => m.knowledge).filter((k) => !seenKnowledge.has(k.id) && seenKnowledge.add(k.id)),
    retrieval: memories.map((m) => m.retrieval).find((r) => r.method !== 'none') ?? memories[0]!.retrieval,
  };
}
