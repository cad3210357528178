/**
 * A test's slice of the real stack: its own task queues (so tests never steal each other's tasks),
 * in-process orchestration and GPU workers configured against a fake OpenAI-compatible server or the
 * offline providers, and a Temporal client.
 */
import { randomUUID } from 'node:crypto';
import { Connection, type Client } from '@temporalio/client';
import { clientFor } from '../../client/temporalClient';
import { NativeConnection, Runtime, DefaultLogger, type Worker } from '@temporalio/worker';
import { type AppConfig } from '../../common/config';
import { loadConfig } from '../../config/loadConfig';
import type { ObjectStore } from '../../providers/objectStore';
import { openObjectStore } from '../../security/objectEncryption';
import { createGpuWorker, createOrchestrationWorker, type ManagedWorker, type WorkerTelemetry } from '../../workers/createWorkers';
import type { FakeOpenAIServer } from '../fakeOpenAI/fakeOpenAIServer';
import { TEST_BUNDLE } from './paths';

/** The metrics port the process's Runtime was installed with: undefined before, null for none. */
let runtimeMetricsPort: number | null | undefined;

/**
 * The SDK's Runtime for a test or bench process, once: quiet (test output shows results, not poll logs), with
 * the SDK's Prometheus metrics on `metricsPort` when a bench reads them. The Runtime cannot be installed twice,
 * so asking for metrics after it was installed without them is an error, not a silent no-op.
 */
export function installTestRuntime(metricsPort?: number): void {
  if (runtimeMetricsPort !== undefined) {
    if (metricsPort !== undefined && runtimeMetricsPort !== metricsPort)
      throw new Error('installTestRuntime: the SDK Runtime is already installed without these metrics; install it first');
    return;
  }
  Runtime.install({
    logger: new DefaultLogger('ERROR'),
    ...(metricsPort ? { telemetryOptions: { metrics: { prometheus: { bindAddress: `127.0.0.1:${metricsPort}`, countersTotalSuffix: true } } } } : {}),
  });
  runtimeMetricsPort = metricsPort ?? null;
}

export interface TestEnv {
  config: AppConfig;
  client: Client;
  store: ObjectStore;
  taskQueue: string;
  workers: Worker[];
  /** The client shares the workers' NativeConnection and asks for eager workflow starts (TestEnvOptions.eagerStart). */
  eagerStart: boolean;
  stop(): Promise<void>;
}

export interface TestEnvOptions {
  name: string;
  fake?: FakeOpenAIServer;
  env?: Record<string, string>;
  workers?: boolean;
  /** Another environment's queue, to take over its runs (a deploy: new workers on the same queue). */
  taskQueue?: string;
  /** A workflow bundle other than the suite's (a changed copy of the workflows). */
  workflowBundlePath?: string;
  /** Tracing for the workers (and client interceptors for the client). */
  telemetry?: WorkerTelemetry;
  /** A client over the workers' own NativeConnection, so runs can start eagerly on these workers. */
  eagerStart?: boolean;
}

export async function startTestEnv(options: TestEnvOptions): Promise<TestEnv> {
  installTestRuntime();
  const taskQueue = options.taskQueue ?? `test-${options.name}-${randomUUID().slice(0, 8)}`;
  const config = loadConfig({
    ...process.env,
    IMAGE_AGENT_TASK_QUEUE: taskQueue,
    ...(options.fake
      ? { IMAGE_AGENT_PROVIDERS: 'openai', OPENAI_BASE_URL: options.fake.baseURL, OPENAI_API_KEY: 'sk-test-fake-key' }
      : { IMAGE_AGENT_PROVIDERS: 'offline' }),
    ...options.env,
  });
  if (options.eagerStart && options.workers === false) throw new Error('startTestEnv: an eager start needs the workers in this process');
  if (config.temporal.deployment.versioning && !options.workflowBundlePath) {
    throw new Error('startTestEnv: a versioned worker needs a versioned bundle (workflowBundlePath, built from workers/workflowBundle VERSIONED_WORKFLOWS)');
  }
  const nativeConnection = options.workers !== false ? await NativeConnection.connect(config.temporal.connection) : undefined;
  const connection = options.eagerStart ? undefined : await Connection.connect(config.temporal.connection);
  // The processes' own client: the same data converter (encryption), tracing interceptors only when asked.
  const client = clientFor(config, connection ?? nativeConnection!, { tracing: Boolean(options.telemetry?.tracing) });
  // Reads objects as the processes do: sealed ones are opened (getRaw shows what S3 holds).
  const store = openObjectStore(config);
  const managed: ManagedWorker[] = [];
  const running: Promise<void>[] = [];
  if (nativeConnection) {
    managed.push(
      await createOrchestrationWorker(config, nativeConnection, { workflowBundle: { codePath: options.workflowBundlePath ?? TEST_BUNDLE } }, options.telemetry),
      await createGpuWorker(config, nativeConnection, options.telemetry),
    );
    running.push(...managed.map((m) => m.worker.run()));
  }
  return {
    config,
    client,
    store,
    taskQueue,
    workers: managed.map((m) => m.worker),
    eagerStart: Boolean(options.eagerStart),
    async stop() {
      for (const { worker } of managed) if (worker.getState() === 'RUNNING') worker.shutdown();
      await Promise.all(running);
      for (const m of managed) await m.close();
      await nativeConnection?.close();
      await connection?.close();
      store.destroy();
    },
  };
}
