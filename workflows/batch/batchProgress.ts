/** A batch's counts: a finished case counted once, and the progress its query answers (with an estimate of the time left). */
import type { BatchInput, BatchProgress, BatchState, CaseSummary } from '../../common/batch';

export function count(state: BatchState, summary: CaseSummary): void {
  if (summary.status === 'done') state.done += 1;
  else state.failed += 1;
  if (summary.passed !== undefined) {
    state.judged += 1;
    if (summary.passed) state.passed += 1;
  }
}

export function progressOf(state: BatchState, input: BatchInput, running: number, cancelled: boolean): BatchProgress {
  const elapsed = (Date.now() - Date.parse(state.startedAt)) / 1000;
  const finished = state.done + state.failed;
  return {
    ...state,
    batchId: input.batchId,
    total: input.total,
    running,
    cancelled,
    ...(finished > 0 ? { etaSeconds: Math.round((elapsed / finished) * (input.total - finished - running / 2)) } : {}),
  };
}
