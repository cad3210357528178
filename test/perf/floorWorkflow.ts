/**
 * The floor the orchestration overhead is read against (test/perf/perfBench.ts): a workflow of the same
 * shape as a generation (the same activity groups, in the same order, each group in parallel) whose
 * activities do nothing. It runs on its own worker with the SDK's defaults: no codecs, interceptors or
 * claim check, so its time is what the SDK and the Temporal server cost on this machine for that shape.
 */
import { proxyActivities } from '@temporalio/workflow';

const { noop } = proxyActivities<{ noop(): Promise<void> }>({ startToCloseTimeout: '1 minute' });

/** groups[i] activities in parallel, group after group. */
export async function activityShape(groups: number[]): Promise<void> {
  for (const size of groups) await Promise.all(Array.from({ length: size }, () => noop()));
}
