/**
 * ground: the plan's questions as a DAG. Every question whose dependencies are answered starts at once
 * (independent ones in parallel); a dependent question receives its parents' answers. A source that fails
 * after its retries yields an unanswered question with the reason, not a failed run.
 */
import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';
import type { GroundedAnswer, MemoryContext } from '../common/evidence';
import type { ContextPlan, PlannedQuestion } from '../common/plan';
import type { Ablations } from '../common/request';
import type { RecallMemoryResult } from '../activities/recallMemory';
import { images, memory, reason, web } from './activityStubs';

export interface GroundArgs {
  request: string;
  plan: ContextPlan;
  tenantId: string;
  userId: string;
  today: string;
  ablations: Ablations;
  excludeWorkflowIds: string[];
  memoryBudgetChars: number;
}

export interface Grounded {
  answers: GroundedAnswer[];
  memory?: MemoryContext;
  /** Earlier images memory decided the request refers to. */
  memoryReferenceKeys: string[];
}

export async function groundContext(args: GroundArgs): Promise<Grounded> {
  const answers = new Map<string, GroundedAnswer>();
  const memories: MemoryContext[] = [];
  const memoryReferenceKeys: string[] = [];
  const pending = new Map(args.plan.questions.map((q) => [q.id, q]));
  const running = new Map<string, Promise<void>>();

  const start = (q: PlannedQuestion): Promise<void> =>
    answerQuestion(args, q, q.dependsOn.map((d) => answers.get(d)!)).then(({ answer, recalled }) => {
      answers.set(q.id, answer);
      if (recalled) {
        memories.push(recalled.memory);
        memoryReferenceKeys.push(...recalled.referenceKeys);
      }
      running.delete(q.id);
    });

  // Memory on: the profile is always loaded (cheap), alongside the questions.
  const profileLoad = args.ablations.noMemory
    ? undefined
    : memory.recallMemory
        .executeWithOptions({ summary: 'load the user profile' }, [
          { tenantId: args.tenantId, userId: args.userId, request: args.request, excludeWorkflowIds: [], budgetChars: args.memoryBudgetChars },
        ])
        .then((r) => memories.unshift(r.memory));

  while (pending.size || running.size) {
    for (const [id, q] of pending) {
      if (q.dependsOn.every((d) => answers.has(d))) {
        pending.delete(id);
        running.set(id, start(q));
      }
    }
    if (!running.size) break; // only unsatisfiable dependencies remain (validated away by the planner)
    await Promise.race(running.values());
  }
  await profileLoad;
  return {
    answers: args.plan.questions.flatMap((q) => answers.get(q.id) ?? []),
    memory: mergeMemories(memories),
    memoryReferenceKeys: [...new Set(memoryReferenceKeys)],
  };
}

async function answerQuestion(args: GroundArgs, q: PlannedQuestion, parents: GroundedAnswer[]): Promise<{ answer: GroundedAnswer; recalled?: RecallMemoryResult }> {
  const skipped = skipReason(q, args.ablations);
  if (skipped) return { answer: unanswered(q, 'skipped', skipped) };
  const input = { request: args.request, question: q, parents, today: args.today };
  const summary = `${q.route} ${q.id}: ${q.question}`.slice(0, 200);
  try {
    switch (q.route) {
      case 'reason':
        return { answer: await reason.reasonQuestion.executeWithOptions({ summary }, [input]) };
      case 'web_search':
        return { answer: await web.searchWeb.executeWithOptions({ summary }, [input]) };
      case 'image_search':
        return { answer: await images.searchImages.executeWithOptions({ summary }, [input]) };
      case 'memory': {
        const recalled = await memory.recallMemory.executeWithOptions({ summary }, [
          { tenantId: args.tenantId, userId: args.userId, request: args.request, question: q, excludeWorkflowIds: args.excludeWorkflowIds, budgetChars: args.memoryBudgetChars },
        ]);
        return { answer: recalled.answer ?? unanswered(q, 'no_answer', 'memory returned nothing'), recalled };
      }
    }
  } catch (err) {
    if (err instanceof ActivityFailure) {
      const cause = err.cause instanceof ApplicationFailure ? `${err.cause.type ?? 'failure'}: ${err.cause.message}` : (err.cause?.message ?? err.message);
      return { answer: unanswered(q, 'no_answer', `the ${q.route} source failed after its retries (${cause})`) };
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
