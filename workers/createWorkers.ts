/**
 * The two workers of image-agent, built from configuration and a connection, shared by the process
 * entry points and the tests. The orchestration worker runs workflows and the light activities; the GPU
 * worker runs only renders, with its own concurrency limit.
 */
import { NativeConnection, Worker } from '@temporalio/worker';
import type { Pool } from 'pg';
import { createAgentActivities, createGpuActivities } from '../activities';
import { RenderSpool } from '../activities/renderSpool';
import type { AgentDeps } from '../activities/agentDeps';
import type { AppConfig } from '../common/config';
import { createPool } from '../providers/database';
import { createEncryption, tenantLookup, type Encryption } from '../security/dataConverter';
import { openObjectStore } from '../security/objectEncryption';
import { MemoryStore } from '../providers/memoryStore';
import { SpendLedger } from '../providers/spend/spendLedger';
import { BudgetAlertSender } from './budgetAlertSender';
import { createAgentModels, createImageModel, imageModelLabel } from '../providers/registry';
import { LocalCorpusSearch } from '../providers/search/localCorpusSearch';
import { createImageSearch, createWebSearch } from '../providers/search/searchRegistry';
import { activityMetrics } from '../telemetry/metricsInterceptor';
import { tracingActivityInterceptor, tracingSinks, type Tracing } from '../telemetry/tracing';
import { orderedActivityInterceptors, type ActivityInterceptorSet } from './activityInterceptorOrder';
import { typedFailures } from './failureInterceptor';
import { promoteFirstVersion, type PromotionOutcome } from './promoteFirstVersion';
import { gpuDeployment, orchestrationDeployment } from './workerDeployment';
import { heartbeatWhileRunning } from './heartbeatInterceptor';
import { modelCallClaimCheck } from './modelCallClaimCheck';
import { tenantScope } from './tenantInterceptor';
import { workflowInterceptorModules, workflowSource } from './workflowBundle';

export async function connectWorker(config: AppConfig): Promise<NativeConnection> {
  return NativeConnection.connect(config.temporal.connection);
}

export function createAgentDeps(config: AppConfig, pool: Pool): AgentDeps {
  const webSearch = createWebSearch(config);
  const ledger = new SpendLedger(pool);
  return {
    config,
    ledger,
    models: createAgentModels(config, { corpus: webSearch instanceof LocalCorpusSearch ? webSearch : undefined, ledger }),
    store: openObjectStore(config),
    memory: new MemoryStore(pool),
    webSearch,
    imageSearch: createImageSearch(config),
  };
}

/** Process-level telemetry handed to the workers (tracing is off when undefined). */
export interface WorkerTelemetry {
  tracing?: Tracing;
}

/**
 * Options every worker shares: metrics and trace interceptors, the trace sink, and the drain grace. The
 * SDK's shutdownGraceTime defaults to 0, which would cancel a render the moment SIGTERM arrives.
 */
function sharedOptions(config: AppConfig, telemetry: WorkerTelemetry, encryption: Encryption, ledger?: SpendLedger) {
  return {
    dataConverter: encryption.dataConverter,
    shutdownGraceTime: config.shutdown.workerGraceMs,
    sinks: tracingSinks(telemetry.tracing),
    activityInterceptors: {
      tenantScope: tenantScope(ledger && Object.keys(config.prices).length ? ledger : undefined),
      heartbeat: heartbeatWhileRunning,
      metrics: activityMetrics({ prices: config.prices, imageModel: imageModelLabel(createImageModel(config)) }),
      tracing: tracingActivityInterceptor,
      typedFailures,
    } satisfies ActivityInterceptorSet,
  };
}

/**
 * The workers' data converter: a run's payloads decrypt only under its own tenant's key, and the codec looks
 * up the tenant of a run it has not seen through the connection.
 */
function workerEncryption(config: AppConfig, connection: NativeConnection): Encryption {
  const encryption = createEncryption(config, { runTenantChecks: true });
  if (encryption.codec) encryption.codec.lookup = tenantLookup(connection.workflowService, config.temporal.namespace);
  return encryption;
}

/** A worker and the resources its activities hold, released once the worker has stopped. */
export interface ManagedWorker {
  worker: Worker;
  /** A versioned orchestration worker's first-deploy promotion (workers/promoteFirstVersion.ts), running beside it. */
  promotion?: Promise<PromotionOutcome>;
  close(): Promise<void>;
}

/**
 * Slots a workflow task may reserve to start its own activities on this worker at once: a grounding group starts
 * in the task's own answer (the SDK reserves 3). Never more than the worker's slots.
 */
export function eagerActivityReservations(config: AppConfig): number {
  return Math.min(config.workers.eagerActivitySlots, config.workers.activityConcurrency);
}

/** Workflows and the light activities: model calls, search, memory. */
export async function createOrchestrationWorker(
  config: AppConfig,
  connection: NativeConnection,
  source = workflowSource(config.temporal.deployment.versioning),
  telemetry: WorkerTelemetry = {},
): Promise<ManagedWorker> {
  const pool = createPool(config.databaseUrl, Math.min(8, config.workers.activityConcurrency));
  const deps = createAgentDeps(config, pool);
  const encryption = workerEncryption(config, connection);
  const shared = sharedOptions(config, telemetry, encryption, deps.ledger);
  const deployment = orchestrationDeployment(config, source);
  const worker = await Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    maxConcurrentActivityTaskExecutions: config.workers.activityConcurrency,
    maxEagerActivityReservationsPerWorkflowTask: eagerActivityReservations(config),
    activities: createAgentActivities(deps),
    interceptors: {
      activity: orderedActivityInterceptors({ ...shared.activityInterceptors, claimCheck: modelCallClaimCheck(deps.store) }),
      workflowModules: workflowInterceptorModules(source),
    },
    sinks: shared.sinks,
    shutdownGraceTime: shared.shutdownGraceTime,
    dataConverter: shared.dataConverter,
    ...source,
    ...(deployment ? { workerDeploymentOptions: deployment } : {}),
  });
  const stopPromotion = new AbortController();
  const promotion =
    deployment?.useWorkerVersioning && config.temporal.deployment.promote === 'if-unset'
      ? promoteFirstVersion(connection.workflowService, config.temporal.namespace, deployment.version, stopPromotion.signal)
      : undefined;
  // Budget warnings the ledger queued, sent from every orchestration worker (only with prices: nothing else queues them).
  const alerts = Object.keys(config.prices).length ? new BudgetAlertSender(pool, config.webhooks).start() : undefined;
  return {
    worker,
    ...(promotion ? { promotion } : {}),
    async close() {
      stopPromotion.abort();
      await promotion;
      await alerts?.stop();
      deps.store.destroy();
      encryption.close();
      await pool.end().catch(() => undefined);
    },
  };
}

/** Renders only, with its own concurrency limit. */
export async function createGpuWorker(config: AppConfig, connection: NativeConnection, telemetry: WorkerTelemetry = {}): Promise<ManagedWorker> {
  const store = openObjectStore(config);
  const spool = new RenderSpool(config.workers.renderSpoolDir);
  await spool.sweep();
  // Priced renders reserve in the spend ledger first; unpriced ones never touch Postgres.
  const pool = Object.keys(config.prices).length ? createPool(config.databaseUrl, 2) : undefined;
  const ledger = pool ? new SpendLedger(pool) : undefined;
  const encryption = workerEncryption(config, connection);
  const shared = sharedOptions(config, telemetry, encryption, ledger);
  const worker = await Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.gpuTaskQueue,
    activities: createGpuActivities({ imageModel: createImageModel(config, ledger ? { ledger } : {}), store, spool }),
    interceptors: { activity: orderedActivityInterceptors(shared.activityInterceptors) },
    maxConcurrentActivityTaskExecutions: config.workers.gpuConcurrency,
    shutdownGraceTime: shared.shutdownGraceTime,
    dataConverter: shared.dataConverter,
    workerDeploymentOptions: gpuDeployment(config),
  });
  return {
    worker,
    close: async () => {
      store.destroy();
      encryption.close();
      await pool?.end().catch(() => undefined);
    },
  };
}
