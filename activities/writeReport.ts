/** report: the run report JSON to object storage, under a deterministic key next to the run's images. */
import { reportKey } from '../common/objectKeys';
import type { RunReport } from '../common/runResult';
import type { AgentDeps } from './agentDeps';
import { currentWorkflowId } from './currentWorkflow';

export function writeReportActivity(deps: Pick<AgentDeps, 'store'>) {
  return async function writeReport(report: RunReport): Promise<{ key: string; bytes: number }> {
    const key = reportKey(currentWorkflowId());
    const stored = await deps.store.putJson(key, report);
    return { key, bytes: stored.bytes };
  };
}
