/**
 * The in-process pipeline the workflow is compared with: the same activity functions, called with the same
 * inputs, in the same order and with the same parallelism as a recorded run of the workflow. The inputs and
 * the order come from that run's history: activities scheduled by one workflow task run together
 * (Promise.all), and each group starts when the one before it has finished. No Temporal in between.
 */
import { randomUUID } from 'node:crypto';
import { asyncLocalStorage, Context, type Info } from '@temporalio/activity';
import type { WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { createAgentActivities, createGpuActivities } from '../../activities';
import { runWithTenant } from '../../activities/currentWorkflow';
import { RenderSpool } from '../../activities/renderSpool';
import type { AppConfig } from '../../common/config';
import { createPool } from '../../providers/database';
import { ObjectStore } from '../../providers/objectStore';
import { createImageModel } from '../../providers/registry';
import type { Encryption } from '../../security/dataConverter';
import { localActivityOf } from '../support/localActivityMarker';
import { createAgentDeps } from '../../workers/createWorkers';

type ActivityFn = (...args: unknown[]) => Promise<unknown>;

interface Step {
  activityType: string;
  args: unknown[];
}

/**
 * Activity calls of a run, grouped by the workflow task that scheduled them, in order (inputs decoded through
 * the codecs). The report, a local activity, has no input in the history: the pipeline writes the report the
 * run stored, as an in-process program holding every call would.
 */
export async function stepsOf(handle: WorkflowHandle, encryption: Pick<Encryption, 'decode'>, store: ObjectStore): Promise<Step[][]> {
  const history = await handle.fetchHistory();
  const groups = new Map<string, Step[]>();
  for (const e of history.events ?? []) {
    const local = localActivityOf(e);
    if (local) {
      if (local.activityType !== 'writeReport') throw new Error(`no pipeline step for local activity ${local.activityType}`);
      const { reportKey: key } = (await handle.result()) as { reportKey: string };
      const { cost: _cost, ...report } = await store.getJson<Record<string, unknown>>(key);
      groups.set(`local-${String(e.eventId)}`, [{ activityType: 'writeReport', args: [report] }]);
      continue;
    }
    const a = e.activityTaskScheduledEventAttributes;
    if (!a) continue;
    const group = String(a.workflowTaskCompletedEventId);
    const payloads = await encryption.decode((a.input?.payloads ?? []) as Payload[]);
    const args = payloads.map((p) => defaultPayloadConverter.fromPayload(p));
    if (!groups.has(group)) groups.set(group, []);
    groups.get(group)!.push({ activityType: a.activityType!.name!, args });
  }
  return [...groups.values()];
}

export class Pipeline {
  private readonly pool;
  private readonly store;
  private readonly activities: Record<string, ActivityFn>;

  constructor(config: AppConfig) {
    this.pool = createPool(config.databaseUrl, 8);
    this.store = new ObjectStore(config.s3);
    this.activities = {
      ...(createAgentActivities(createAgentDeps(config, this.pool)) as unknown as Record<string, ActivityFn>),
      ...(createGpuActivities({
        imageModel: createImageModel(config),
        store: this.store,
        spool: new RenderSpool(config.workers.renderSpoolDir),
      }) as unknown as Record<string, ActivityFn>),
    };
  }

  /** Runs the steps as one in-process run (its own workflow id, so its objects do not overwrite the run's); returns ms. */
  async run(steps: Step[][], tenantId: string): Promise<number> {
    const workflowId = `pipeline-${randomUUID()}`;
    const started = performance.now();
    // The tenant the worker's interceptor would read from the activity's header.
    for (const group of steps) await Promise.all(group.map((s) => runWithTenant(tenantId, () => this.call(workflowId, s))));
    return performance.now() - started;
  }

  private call(workflowId: string, step: Step): Promise<unknown> {
    const fn = this.activities[step.activityType];
    if (!fn) throw new Error(`no activity ${step.activityType}`);
    const info = {
      activityId: randomUUID(),
      activityType: step.activityType,
      attempt: 1,
      isLocal: false,
      workflowExecution: { workflowId, runId: randomUUID() },
      workflowType: 'generateImage',
      taskQueue: 'pipeline',
      heartbeatTimeoutMs: 15_000,
      startToCloseTimeoutMs: 600_000,
      scheduleToCloseTimeoutMs: 600_000,
    } as unknown as Info;
    const abort = new AbortController();
    const ctx = new Context(
      info,
      new Promise<never>(() => undefined),
      abort.signal,
      () => undefined,
      undefined,
      console as never,
      undefined as never,
      {} as never,
    );
    return asyncLocalStorage.run(ctx, () => fn(...step.args));
  }

  async close(): Promise<void> {
    this.store.destroy();
    await this.pool.end().catch(() => undefined);
  }
}
