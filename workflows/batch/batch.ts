/**
 * Batch: many requests (a product catalogue, a benchmark suite) as BatchCase children with bounded
 * concurrency, read from a manifest in S3 a page at a time; progress is a query. Children have derived ids,
 * so a replay resumes them; cases with a result are skipped when started again; it continues as new to bound
 * its history; on cancel it stops new cases, lets the cancellation reach running ones, and writes a partial report.
 */
import {
  CancellationScope,
  condition,
  isCancellation,
  patched,
  setHandler,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
  type ChildWorkflowHandle,
} from '@temporalio/workflow';
import { MANIFEST_PAGE_SIZE, type BatchCase, type BatchInput, type BatchResult, type BatchState, type CaseSummary } from '../../common/batch';
import { batchCaseWorkflowId } from '../../common/childWorkflowIds';
import { BatchId, Kind, Stage, Tenant } from '../../common/searchAttributes';
import { activitiesFor } from '../activityStubs';
import { batchCase } from './batchCase';
import { batchProgressQuery } from './batchMessages';
import { count, progressOf } from './batchProgress';
import { BATCH_RUN_BOUNDED_BY_STARTED_CASES, BATCH_STARTS_CASES_TOGETHER } from '../patches';
import { writeReport } from './batchReport';
import { continueAsNewOnCurrentBuild, newBuildIsCurrent } from '../upgradeOnContinueAsNew';

const DEFAULT_CASES_PER_RUN = 250;
const STARTS_PER_TASK = 32;

export async function batch(input: BatchInput): Promise<BatchResult> {
  const state: BatchState = input.state ?? { nextIndex: 0, done: 0, failed: 0, passed: 0, judged: 0, startedAt: new Date().toISOString(), continuedAsNew: 0 };
  const running = new Map<string, Promise<void>>();
  let cancelled = false;
  let finishedThisRun = 0;
  let startedThisRun = 0;
  // A run's history grows with the children it starts, so that is what bounds a run; runs started before
  // this change count finished cases, which with high concurrency let a run start casesPerRun + concurrency.
  const boundByStarted = patched(BATCH_RUN_BOUNDED_BY_STARTED_CASES);
  const casesPerRun = input.casesPerRun ?? DEFAULT_CASES_PER_RUN;

  setHandler(batchProgressQuery, () => progressOf(state, input, running.size, cancelled));
  upsertSearchAttributes([
    { key: Kind, value: 'batch' },
    { key: BatchId, value: input.batchId },
    { key: Stage, value: 'running' },
  ]);

  const record = (summary: CaseSummary): void => {
    count(state, summary);
    finishedThisRun += 1;
  };

  const startCase = (c: BatchCase): Promise<ChildWorkflowHandle<typeof batchCase>> =>
    startChild(batchCase, {
      workflowId: batchCaseWorkflowId(input.batchId, c.id),
      staticSummary: `case ${c.id}`,
      typedSearchAttributes: [
        { key: Kind, value: 'batch-case' },
        { key: BatchId, value: input.batchId },
        ...workflowInfo()
          .typedSearchAttributes.getAll()
          .filter((p) => p.key.name === Tenant.name),
      ],
      // policy and reviewAuth are absent (and so not serialized) in batches started before tenant policies.
      args: [{ batchId: input.batchId, tenantId: input.tenantId, case: c, options: input.options, policy: input.policy, reviewAuth: input.reviewAuth }],
    });
  const follow = (c: BatchCase, handle: ChildWorkflowHandle<typeof batchCase>): Promise<void> =>
    handle.result().then(record, () => record({ caseId: c.id, status: 'generation_failed' }));
  const track = (c: BatchCase, settled: Promise<void>): void =>
    void running.set(
      c.id,
      settled.finally(() => running.delete(c.id)),
    );
  // Runs before the patch waited for each child's start to be recorded (a round trip) before starting the next.
  const startOneByOne = async (c: BatchCase): Promise<void> => track(c, follow(c, await startCase(c)));
  // Every start the concurrency allows goes out in one workflow task, up to STARTS_PER_TASK (a task's commands
  // carry each case's input, and gRPC caps a task's completion at 4 MB); a failed start still fails the batch.
  let startFailure: unknown;
  let starting = 0;
  const startTogether = (c: BatchCase): void => {
    starting += 1;
    const started = startCase(c).finally(() => (starting -= 1));
    track(
      c,
      started.then(
        (handle) => follow(c, handle),
        (err: unknown) => void (startFailure ??= err),
      ),
    );
  };
  const together = patched(BATCH_STARTS_CASES_TOGETHER);
  const throwIfStartFailed = (): void => {
    if (startFailure !== undefined) throw startFailure;
  };

  try {
    let page: BatchCase[] = [];
    let finished = new Set<string>();
    let pageStart = -1;
    while (state.nextIndex < input.total && !cancelled) {
      // Continue as new between cases once enough have finished in this run: the history stays bounded.
      if ((boundByStarted ? startedThisRun : finishedThisRun) >= casesPerRun || workflowInfo().continueAsNewSuggested || newBuildIsCurrent()) {
        await condition(() => running.size === 0);
        await continueAsNewOnCurrentBuild<typeof batch>({ ...input, state: { ...state, continuedAsNew: state.continuedAsNew + 1 } });
      }
      const pageIndex = Math.floor(state.nextIndex / MANIFEST_PAGE_SIZE) * MANIFEST_PAGE_SIZE;
      if (pageIndex !== pageStart) {
        const loaded = await activitiesFor(input.options?.outageWindow).batch.loadBatchCases({ batchId: input.batchId, page: pageIndex / MANIFEST_PAGE_SIZE });
        page = loaded.cases;
        finished = new Set(loaded.finished);
        pageStart = pageIndex;
      }
      await condition(() => (running.size < input.concurrency && starting < STARTS_PER_TASK) || startFailure !== undefined);
      throwIfStartFailed();
      const c = page[state.nextIndex - pageStart];
      state.nextIndex += 1;
      if (!c) continue;
      if (finished.has(c.id)) {
        // Finished by an earlier run of this batch: counted, not generated or judged again.
        state.done += 1;
        continue;
      }
      startedThisRun += 1;
      if (together) startTogether(c);
      else await startOneByOne(c);
    }
    await condition(() => running.size === 0);
    throwIfStartFailed();
  } catch (err) {
    if (!isCancellation(err)) throw err;
    cancelled = true;
    // The running children got the cancellation with their parent; once they settle, the partial report is
    // written and the batch ends as cancelled (its report keys are derived from the batch id).
    await CancellationScope.nonCancellable(async () => {
      await Promise.allSettled(running.values());
      await writeReport(input, 'cancelled');
    });
    throw err;
  }
  const keys = await writeReport(input, 'completed');
  return {
    batchId: input.batchId,
    outcome: 'completed',
    progress: { ...state, batchId: input.batchId, total: input.total, running: 0, cancelled, etaSeconds: 0 },
    report: keys,
  };
}
