/**
 * The twin workflow (twinWorkflow.ts) on workers of its own, shaped as image-agent's: one worker on the
 * workflow's queue and one on its GPU queue, with the same slots and eager reservations. With the SDK's
 * defaults it is what the SDK and the Temporal server cost for a run's shape; with image-agent's worker
 * options added one at a time, it shows what each option costs on that same shape (`bench:perf --only floor`).
 */
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Worker, type ActivityInterceptorsFactory } from '@temporalio/worker';
import type { AppConfig } from '../../common/config';
import { createEncryption } from '../../security/dataConverter';
import { activityMetrics } from '../../telemetry/metricsInterceptor';
import { tracingActivityInterceptor, tracingSinks } from '../../telemetry/tracing';
import { orderedActivityInterceptors } from '../../workers/activityInterceptorOrder';
import { eagerActivityReservations } from '../../workers/createWorkers';
import { typedFailures } from '../../workers/failureInterceptor';
import { heartbeatWhileRunning } from '../../workers/heartbeatInterceptor';
import { tenantScope } from '../../workers/tenantInterceptor';
import { WORKFLOW_INTERCEPTOR_MODULES } from '../../workers/workflowBundle';
import { percentile } from './percentile';
import type { TwinGroup } from './twinWorkflow';

interface TwinOptions {
  dataConverter?: DataConverter;
  activityInterceptors?: ActivityInterceptorsFactory[];
  /** Bundled with these workflow interceptor modules (and the trace sink they call). */
  workflowInterceptorModules?: string[];
}

export interface Twin {
  /** The workflow's task queue (its GPU queue is this plus `-gpu`). */
  taskQueue: string;
  /** One run of the shape, start to result, in ms. */
  run(groups: TwinGroup[]): Promise<number>;
  stop(): Promise<void>;
}

export async function startTwin(config: AppConfig, options: TwinOptions = {}): Promise<Twin> {
  const taskQueue = `perf-twin-${randomUUID().slice(0, 8)}`;
  const gpuTaskQueue = `${taskQueue}-gpu`;
  const nativeConnection = await NativeConnection.connect(config.temporal.connection);
  const workflowsPath = require.resolve('./twinWorkflow');
  const shared = {
    connection: nativeConnection,
    namespace: config.temporal.namespace,
    activities: { noop: async () => undefined },
    ...(options.dataConverter ? { dataConverter: options.dataConverter } : {}),
    ...(options.activityInterceptors ? { interceptors: { activity: options.activityInterceptors } } : {}),
  };
  const workers = [
    await Worker.create({
      ...shared,
      taskQueue,
      maxConcurrentActivityTaskExecutions: config.workers.activityConcurrency,
      maxEagerActivityReservationsPerWorkflowTask: eagerActivityReservations(config),
      ...(options.workflowInterceptorModules
        ? {
            workflowBundle: await bundleWorkflowCode({
              workflowsPath,
              workflowInterceptorModules: options.workflowInterceptorModules,
              logger: new DefaultLogger('WARN'),
            }),
            sinks: tracingSinks(undefined),
          }
        : { workflowsPath }),
    }),
    await Worker.create({ ...shared, taskQueue: gpuTaskQueue, maxConcurrentActivityTaskExecutions: config.workers.gpuConcurrency }),
  ];
  const running = workers.map((w) => w.run());
  const connection = await Connection.connect(config.temporal.connection);
  const client = new Client({ connection, namespace: config.temporal.namespace, ...(options.dataConverter ? { dataConverter: options.dataConverter } : {}) });
  return {
    taskQueue,
    async run(groups) {
      const started = performance.now();
      await client.workflow.execute('activityTwin', { taskQueue, workflowId: `perf-twin-${randomUUID()}`, args: [groups, gpuTaskQueue] });
      return performance.now() - started;
    },
    async stop() {
      for (const w of workers) w.shutdown();
      await Promise.all(running);
      await nativeConnection.close();
      await connection.close();
    },
  };
}

export interface TwinOptionRow {
  variant: string;
  runs: number;
  p50Ms: number;
}

/** `5 upserts, 1 memo`: the audit writes a shape carries. */
function auditWrites(groups: readonly TwinGroup[]): string {
  const writes = groups.flatMap((g) => g.audit ?? []);
  const upserts = writes.filter((w) => w.kind === 'searchAttributes').length;
  return `${upserts} upserts, ${writes.length - upserts} memo`;
}

/**
 * The twin of `groups` with each of image-agent's worker options, and with the run's audit writes. Every variant's workers run side by side and
 * the variants take turns run by run, so a slow spell of the machine falls on all of them alike.
 */
export async function measureTwinOptions(config: AppConfig, groups: TwinGroup[], runs: number): Promise<TwinOptionRow[]> {
  const encryption = createEncryption(config);
  const activityInterceptors = orderedActivityInterceptors({
    tenantScope: tenantScope(),
    heartbeat: heartbeatWhileRunning,
    metrics: activityMetrics({ prices: config.prices, imageModel: 'offline' }),
    tracing: tracingActivityInterceptor,
    typedFailures,
  });
  // The third field: whether the twin also makes the run's audit writes (its search-attribute upserts and memo).
  const variants: [string, TwinOptions, boolean][] = [
    ['SDK defaults', {}, false],
    ['+ codecs (compression, encryption)', { dataConverter: encryption.dataConverter }, false],
    ['+ activity interceptors', { activityInterceptors }, false],
    ['+ workflow interceptors (tenant header, OpenTelemetry)', { workflowInterceptorModules: WORKFLOW_INTERCEPTOR_MODULES }, false],
    [`+ the run's search-attribute upserts and memo (${auditWrites(groups)})`, {}, true],
    ['all of them', { dataConverter: encryption.dataConverter, activityInterceptors, workflowInterceptorModules: WORKFLOW_INTERCEPTOR_MODULES }, true],
  ];
  const withoutAudit = groups.map(({ queue, size }) => ({ queue, size }));
  const twins: Twin[] = [];
  try {
    for (const [, options] of variants) twins.push(await startTwin(config, options));
    const times: number[][] = variants.map(() => []);
    for (let i = 0; i <= runs; i++) {
      for (let k = 0; k < twins.length; k++) {
        const v = (i + k) % twins.length; // each run starts with another variant
        const ms = await twins[v]!.run(variants[v]![2] ? groups : withoutAudit);
        if (i > 0) times[v]!.push(ms); // the first round warms every worker up
      }
    }
    return variants.map(([variant], v) => ({ variant, runs, p50Ms: percentile(times[v]!, 50) }));
  } finally {
    for (const t of twins) await t.stop();
    encryption.close();
  }
}
