/**
 * Stops the open runs an erasure is about to erase, so none writes the data back after it is deleted:
 * each is cancelled (a generation writes its "cancelled" report, a batch its partial one, a session ends its
 * turns), given a grace period to close, and terminated if it has not. Runs that open meanwhile (a start that
 * raced the tombstone, a child its parent started while cancelling) are terminated at once, until a listing
 * finds none open. Every Temporal error propagates, so the erasure stops before it deletes anything.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';

export interface StoppedRuns {
  /** Runs asked to cancel. */
  cancelled: number;
  /** Runs terminated: still open after the grace period, or opened during it. */
  terminated: number;
  /** The workflow ids of every run that was open. */
  workflowIds: string[];
}

interface OpenRun {
  workflowId: string;
  runId: string;
}

/** Listings after the grace period before giving up on runs that keep opening. */
const MAX_SWEEPS = 5;
const POLL_MS = 500;

const TERMINATE_REASON = 'erasure: the run was still open after the grace period';

export async function stopOpenRuns(client: Client, runsQuery: string, graceMs: number): Promise<StoppedRuns> {
  const workflowIds = new Set<string>();
  const stopped: StoppedRuns = { cancelled: 0, terminated: 0, workflowIds: [] };

  const first = await openRuns(client, runsQuery);
  for (const run of first) {
    workflowIds.add(run.workflowId);
    if (await closedAlready(() => client.workflow.getHandle(run.workflowId, run.runId).cancel())) continue;
    stopped.cancelled++;
  }
  const deadline = Date.now() + graceMs;
  let open = first;
  while (open.length > 0 && Date.now() < deadline) {
    await sleep(Math.min(POLL_MS, Math.max(0, deadline - Date.now())));
    open = await stillOpen(client, open);
  }

  for (let sweep = 0; ; sweep++) {
    for (const run of open) {
      workflowIds.add(run.workflowId);
      if (await closedAlready(() => client.workflow.getHandle(run.workflowId, run.runId).terminate(TERMINATE_REASON))) continue;
      stopped.terminated++;
    }
    open = await stillOpen(client, await openRuns(client, runsQuery));
    if (open.length === 0) break;
    if (sweep + 1 >= MAX_SWEEPS) throw new Error(`runs keep opening for this erasure (${open.map((r) => r.workflowId).join(', ')}); nothing was deleted`);
  }
  stopped.workflowIds = [...workflowIds];
  return stopped;
}

async function openRuns(client: Client, runsQuery: string): Promise<OpenRun[]> {
  const out: OpenRun[] = [];
  for await (const info of client.workflow.list({ query: `${runsQuery} AND ExecutionStatus = 'Running'` })) {
    out.push({ workflowId: info.workflowId, runId: info.runId });
  }
  return out;
}

/** The runs that are still running, by describing each (the visibility index may lag behind a close). */
async function stillOpen(client: Client, runs: readonly OpenRun[]): Promise<OpenRun[]> {
  const open: OpenRun[] = [];
  for (const run of runs) {
    try {
      const info = await client.workflow.getHandle(run.workflowId, run.runId).describe();
      if (info.status.name === 'RUNNING') open.push(run);
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
    }
  }
  return open;
}

/** Runs `act`; true when the run had closed (or gone) in the meantime, which is not an error here. */
async function closedAlready(act: () => Promise<unknown>): Promise<boolean> {
  try {
    await act();
    return false;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return true;
    throw err;
  }
}
