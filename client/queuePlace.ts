/**
 * Where a run that no worker has picked up yet stands: its place among its tenant's waiting runs, how many runs
 * of any tenant wait ahead of it on its queue, and an ETA from the queue's measured recent throughput (runs of
 * the queue that finished in the last ten minutes). Three visibility counts, asked only for a waiting run; a run
 * a worker has picked up costs nothing here. Visibility trails by moments, so the figures are estimates.
 */
import type { WorkflowExecutionDescription } from '@temporalio/client';
import { Approval, Kind, Stage, Tenant } from '../common/searchAttributes';
import type { Generations } from './generations';

const THROUGHPUT_WINDOW_MS = 10 * 60_000;

/** The visibility condition of a run no worker has picked up: neither a stage nor an approval upserted yet. */
export const NOT_PICKED_UP = `${Stage.name} IS NULL AND ${Approval.name} IS NULL`;

export interface QueuePlace {
  /** 1: the next of its tenant's waiting runs. */
  position: number;
  /** Runs of any tenant waiting on the same queue that started before it. */
  aheadOnQueue: number;
  /** Runs of the queue that finished per minute, over the last ten minutes. */
  finishedPerMinute: number;
  /** Runs ahead over that rate; absent when none finished lately (no basis for an estimate). */
  etaSeconds?: number;
}

/** The run's place in its queue, or undefined when a worker has picked it up (its first task sets its stage). */
export async function queuePlace(g: Pick<Generations, 'client'>, info: WorkflowExecutionDescription): Promise<QueuePlace | undefined> {
  const attrs = info.typedSearchAttributes;
  // A worker's first task sets the stage (and later the approval): a run with either has been picked up.
  if (info.status.name !== 'RUNNING' || attrs.get(Stage) !== undefined || attrs.get(Approval) !== undefined) return undefined;
  const tenant = attrs.get(Tenant);
  const started = info.startTime.toISOString();
  const since = new Date(Date.now() - THROUGHPUT_WINDOW_MS).toISOString();
  // Ids, tenants and queue names are validated or ours, so single quotes are enough.
  const waiting = `${Kind.name} = 'generate' AND ExecutionStatus = 'Running' AND ${NOT_PICKED_UP} AND StartTime < '${started}'`;
  const queue = `TaskQueue = '${info.taskQueue}'`;
  const [mine, ahead, finished] = await Promise.all([
    g.client.workflow.count(`${waiting} AND ${Tenant.name} = '${tenant ?? ''}'`),
    g.client.workflow.count(`${waiting} AND ${queue}`),
    g.client.workflow.count(`${queue} AND ${Kind.name} = 'generate' AND ExecutionStatus != 'Running' AND CloseTime >= '${since}'`),
  ]);
  const finishedPerMinute = finished.count / (THROUGHPUT_WINDOW_MS / 60_000);
  return {
    position: mine.count + 1,
    aheadOnQueue: ahead.count,
    finishedPerMinute,
    ...(finishedPerMinute > 0 ? { etaSeconds: Math.round(((ahead.count + 1) / finishedPerMinute) * 60) } : {}),
  };
}
