/**
 * The twin a run's cost is read against (test/perf/overhead.ts): the run's own shape (runShape.ts, read from a
 * recorded history) with activities that do nothing. Each group runs in parallel, group after group, on the
 * queue the run used: renders on the GPU queue and its worker, the report as a local activity. Its time is what
 * the SDK and the Temporal server cost on this machine for exactly that shape.
 */
import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';

type Noop = { noop(): Promise<void> };
export interface TwinGroup {
  queue: 'orchestration' | 'gpu' | 'local';
  size: number;
}

const options = { startToCloseTimeout: '1 minute' } as const;
const orchestration = proxyActivities<Noop>(options);
const local = proxyLocalActivities<Noop>(options);

export async function activityTwin(groups: TwinGroup[], gpuTaskQueue: string): Promise<void> {
  const gpu = proxyActivities<Noop>({ ...options, taskQueue: gpuTaskQueue });
  const stubs = { orchestration, gpu, local };
  for (const g of groups) await Promise.all(Array.from({ length: g.size }, () => stubs[g.queue].noop()));
}
