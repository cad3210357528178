/**
 * The floor workflow (floorWorkflow.ts) on a worker of its own: with the SDK's defaults, it is what the SDK
 * and the Temporal server cost for a run's shape; with image-agent's worker options added one at a time, it
 * shows what each option costs on that same shape (`bench:perf --only floor`).
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
import { typedFailures } from '../../workers/failureInterceptor';
import { heartbeatWhileRunning } from '../../workers/heartbeatInterceptor';
import { tenantScope } from '../../workers/tenantInterceptor';
import { WORKFLOW_INTERCEPTOR_MODULES } from '../../workers/workflowBundle';
import { percentile } from './percentile';

interface FloorOptions {
  dataConverter?: DataConverter;
  activityInterceptors?: ActivityInterceptorsFactory[];
  /** Bundled with these workflow interceptor modules (and the trace sink they call). */
  workflowInterceptorModules?: string[];
}

export interface Floor {
  /** One run of the given activity groups, start to result, in ms. */
  run(groups: number[]): Promise<number>;
  stop(): Promise<void>;
}

export async function startFloor(config: AppConfig, options: FloorOptions = {}): Promise<Floor> {
  const taskQueue = `perf-floor-${randomUUID().slice(0, 8)}`;
  const nativeConnection = await NativeConnection.connect(config.temporal.connection);
  const workflowsPath = require.resolve('./floorWorkflow');
  const worker = await Worker.create({
    connection: nativeConnection,
    namespace: config.temporal.namespace,
    taskQueue,
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
    activities: { noop: async () => undefined },
    ...(options.dataConverter ? { dataConverter: options.dataConverter } : {}),
    ...(options.activityInterceptors ? { interceptors: { activity: options.activityInterceptors } } : {}),
  });
  const running = worker.run();
  const connection = await Connection.connect(config.temporal.connection);
  const client = new Client({ connection, namespace: config.temporal.namespace, ...(options.dataConverter ? { dataConverter: options.dataConverter } : {}) });
  return {
    async run(groups) {
      const started = performance.now();
      await client.workflow.execute('activityShape', { taskQueue, workflowId: `perf-floor-${randomUUID()}`, args: [groups] });
      return performance.now() - started;
    },
    async stop() {
      worker.shutdown();
      await running;
      await nativeConnection.close();
      await connection.close();
    },
  };
}

export interface FloorOptionRow {
  variant: string;
  runs: number;
  p50Ms: number;
}

/** The floor of `groups` with each of image-agent's worker options, runs back to back (as a busy worker sees them). */
export async function measureFloorOptions(config: AppConfig, groups: number[], runs: number): Promise<FloorOptionRow[]> {
  const encryption = createEncryption(config);
  const activityInterceptors = orderedActivityInterceptors({
    tenantScope: tenantScope(),
    heartbeat: heartbeatWhileRunning,
    metrics: activityMetrics({ prices: config.prices, imageModel: 'offline' }),
    tracing: tracingActivityInterceptor,
    typedFailures,
  });
  const variants: [string, FloorOptions][] = [
    ['SDK defaults', {}],
    ['+ codecs (compression, encryption)', { dataConverter: encryption.dataConverter }],
    ['+ activity interceptors', { activityInterceptors }],
    ['+ workflow interceptors (tenant header, OpenTelemetry)', { workflowInterceptorModules: WORKFLOW_INTERCEPTOR_MODULES }],
    ['all of them', { dataConverter: encryption.dataConverter, activityInterceptors, workflowInterceptorModules: WORKFLOW_INTERCEPTOR_MODULES }],
  ];
  const rows: FloorOptionRow[] = [];
  try {
    for (const [variant, options] of variants) {
      const floor = await startFloor(config, options);
      try {
        const times: number[] = [];
        for (let i = 0; i <= runs; i++) {
          const ms = await floor.run(groups);
          if (i > 0) times.push(ms); // the first warms the worker up
        }
        rows.push({ variant, runs, p50Ms: percentile(times, 50) });
      } finally {
        await floor.stop();
      }
    }
  } finally {
    encryption.close();
  }
  return rows;
}
