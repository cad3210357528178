/**
 * Whether a benchmark case ran whole: read from its turns' run reports, so the workflow needs no change. A
 * grounding source that failed after its retries (search or memory down) or a critique that was unavailable
 * leaves a run that is not the system at its best; such a case is flagged, never scored as if it were whole.
 */
import { legacyReportKey, reportKey } from '../common/objectKeys';
import type { RunReport } from '../common/runResult';
import type { ObjectStore } from '../providers/objectStore';

export async function caseDegradation(store: ObjectStore, tenantId: string, turnWorkflowIds: readonly string[]): Promise<string[]> {
  const reasons: string[] = [];
  for (const [i, workflowId] of turnWorkflowIds.entries()) {
    const report = await store
      .getJson<RunReport>(reportKey(tenantId, workflowId))
      // legacy-read: report-under-runs
      .catch(() => store.getJson<RunReport>(legacyReportKey(workflowId)))
      .catch(() => undefined);
    if (!report) continue; // a turn that produced no report failed outright: that is a generation failure, not a degraded run
    const turn = turnWorkflowIds.length > 1 ? `turn ${i + 1}: ` : '';
    for (const a of report.result.answers) {
      if (a.status === 'no_answer' && a.note?.includes('failed after its retries'))
        reasons.push(`${turn}${a.route} ${a.questionId} unanswered: ${a.note}`.slice(0, 300));
    }
    for (const image of report.result.images) {
      if (image.stoppedBecause === 'critique_unavailable')
        reasons.push(`${turn}image ${image.imageIndex}: the critique was unavailable, so the feedback loop stopped early`);
    }
  }
  return reasons;
}
