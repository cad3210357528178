/**
 * Where an open run stands and when it should finish. A run no worker has picked up yet has a place among its
 * tenant's waiting runs and runs ahead of it on its queue. Any open run that is not waiting for a person has an
 * ETA: the tenant's unfinished runs ahead of it, plus itself, over the rate at which the tenant's runs on that
 * queue finished lately. The tenant's own rate, not the queue's, because fair dispatch gives each tenant its
 * weight's share of the workers, so a weight-1 tenant beside a weight-4 one finishes at a fifth of the queue's
 * rate. A tenant with nothing finished lately is estimated at the whole queue's rate.
 *
 * Cost: for a running run, one visibility count and one list page of at most 20 runs; for a waiting run, two
 * counts more; one list page more when the tenant has no recent throughput. Visibility trails by moments, so the
 * figures are estimates.
 */
import type { WorkflowExecutionInfo } from '@temporalio/client';
import { Approval, Kind, Stage, Tenant } from '../common/searchAttributes';
import type { Generations } from './generations';

/** The recent throughput is read from the last few runs that closed within ten minutes, over the time since the
 *  oldest of them (so a tenant that stopped finishing slows down, and one whose work began moments ago is not
 *  taken for slow), never less than ten seconds (one run that closed a second ago is not sixty a minute). */
const RATE_SAMPLE = 20;
const RATE_WINDOW_MS = 10 * 60_000;
const MIN_SPAN_MS = 10_000;

/** The visibility condition of a run no worker has picked up: neither a stage nor an approval upserted yet. */
export const NOT_PICKED_UP = `${Stage.name} IS NULL AND ${Approval.name} IS NULL`;

/** Runs not waiting for a person: a run waiting for a decision has no ETA and holds up nobody's. */
const NOT_AWAITING_DECISION = `(${Approval.name} IS NULL OR (${Approval.name} != 'pending' AND ${Approval.name} != 'pending_plan'))`;

export interface RunEta {
  /** The tenant's unfinished runs on the same queue that started before it and are not waiting for a person. */
  tenantAhead: number;
  /** Runs a minute that finished lately: the tenant's on this queue, or the whole queue's (`rateOf`). */
  finishedPerMinute: number;
  rateOf: 'tenant' | 'queue';
  /** Seconds until it should finish: (tenantAhead + 1) over that rate. Absent when nothing finished lately. */
  etaSeconds?: number;
}

export interface QueuePlace extends RunEta {
  /** 1: the next of its tenant's waiting runs. */
  position: number;
  /** Runs of any tenant waiting on the same queue that started before it. */
  aheadOnQueue: number;
}

type RunInfo = Pick<WorkflowExecutionInfo, 'status' | 'typedSearchAttributes' | 'startTime' | 'taskQueue'>;

/** Ids, tenants and queue names are validated or ours, so single quotes are enough. */
const generationsOn = (taskQueue: string) => `${Kind.name} = 'generate' AND TaskQueue = '${taskQueue}'`;

/** The run's place in its queue and its ETA, or undefined when a worker has picked it up (its first task sets its stage). */
export async function queuePlace(g: Pick<Generations, 'client'>, info: RunInfo): Promise<QueuePlace | undefined> {
  const attrs = info.typedSearchAttributes;
  if (info.status.name !== 'RUNNING' || attrs.get(Stage) !== undefined || attrs.get(Approval) !== undefined) return undefined;
  const waiting = `${generationsOn(info.taskQueue)} AND ExecutionStatus = 'Running' AND ${NOT_PICKED_UP} AND StartTime < '${info.startTime.toISOString()}'`;
  const [mine, ahead, eta] = await Promise.all([
    g.client.workflow.count(`${waiting} AND ${Tenant.name} = '${attrs.get(Tenant) ?? ''}'`),
    g.client.workflow.count(waiting),
    runEta(g, info),
  ]);
  return { position: mine.count + 1, aheadOnQueue: ahead.count, ...eta };
}

/** When an open run should finish, from its tenant's recent throughput on its queue. */
export async function runEta(g: Pick<Generations, 'client'>, info: RunInfo, now = Date.now()): Promise<RunEta> {
  const tenant = `${Tenant.name} = '${info.typedSearchAttributes.get(Tenant) ?? ''}'`;
  const queue = generationsOn(info.taskQueue);
  const [ahead, tenantRate] = await Promise.all([
    g.client.workflow.count(
      `${queue} AND ${tenant} AND ExecutionStatus = 'Running' AND ${NOT_AWAITING_DECISION} AND StartTime < '${info.startTime.toISOString()}'`,
    ),
    finishedPerMinute(g, `${queue} AND ${tenant}`, now),
  ]);
  const [rate, rateOf] = tenantRate > 0 ? [tenantRate, 'tenant' as const] : [await finishedPerMinute(g, queue, now), 'queue' as const];
  return {
    tenantAhead: ahead.count,
    finishedPerMinute: rate,
    rateOf,
    ...(rate > 0 ? { etaSeconds: Math.round(((ahead.count + 1) / rate) * 60) } : {}),
  };
}

/** Runs a minute matching `where` that closed lately: up to RATE_SAMPLE of them over the time since the oldest. */
async function finishedPerMinute(g: Pick<Generations, 'client'>, where: string, now: number): Promise<number> {
  const query = `${where} AND ExecutionStatus != 'Running' AND CloseTime >= '${new Date(now - RATE_WINDOW_MS).toISOString()}'`;
  const closes: number[] = [];
  // One page: visibility lists the most recently closed first.
  for await (const run of g.client.workflow.list({ query, pageSize: RATE_SAMPLE })) {
    if (run.closeTime) closes.push(run.closeTime.getTime());
    if (closes.length >= RATE_SAMPLE) break;
  }
  if (closes.length === 0) return 0;
  return closes.length / (Math.max(now - Math.min(...closes), MIN_SPAN_MS) / 60_000);
}

/** 45 s, 12 min, 2.5 h. */
export function formatEta(seconds: number): string {
  return seconds < 90 ? `${seconds} s` : seconds < 5400 ? `${Math.round(seconds / 60)} min` : `${(seconds / 3600).toFixed(1)} h`;
}
