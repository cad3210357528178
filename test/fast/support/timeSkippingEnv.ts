/**
 * One time-skipping test environment per test file: the Java test server (infra/testServer.ts), the real
 * workflows/ code bundled once, and workers whose activities come from the project's factories over the
 * offline providers and in-memory stores. A test swaps a provider (a scripted critic, a failing search) or
 * a whole activity through `overrides`, and gets fresh workers on a fresh task queue.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createAgentActivities, createGpuActivities, type AgentActivities } from '../../../activities';
import type { AgentDeps } from '../../../activities/agentDeps';
import { RenderSpool } from '../../../activities/renderSpool';
import { type AppConfig } from '../../../common/config';
import { loadConfig } from '../../../config/loadConfig';
import { verdict, type Verdict, type VerdictStatus } from '../../../common/generation';
import type { Modelled } from '../../../common/modelCall';
import { cliSearchAttributeSpecs } from '../../../common/searchAttributes';
import { gpuTaskQueueFor } from '../../../common/taskQueues';
import type { AgentModels, CritiqueInput, ImageCritic } from '../../../providers/agentRoles';
import type { ImageModel } from '../../../providers/imageModel';
import { offlineCall } from '../../../providers/offline/offlineCall';
import { createAgentModels, createImageModel } from '../../../providers/registry';
import type { ImageSearch } from '../../../providers/search/imageSearch';
import type { WebSearch } from '../../../providers/search/webSearch';
import { startTimeSkippingServer, type RunningTestServer } from '../../../infra/testServer';
import { tracingSinks } from '../../../telemetry/tracing';
import { typedFailures } from '../../../workers/failureInterceptor';
import { tenantScope } from '../../../workers/tenantInterceptor';
import { WORKFLOW_INTERCEPTOR_MODULES } from '../../../workers/workflowBundle';
import { InMemoryMemoryStore, InMemoryObjectStore } from './inMemoryStores';

Runtime.install({ logger: new DefaultLogger('WARN') });

/** Offline configuration; nothing in it points at a running service the fast tier would reach. */
function offlineConfig(): AppConfig {
  return loadConfig({ IMAGE_AGENT_PROVIDERS: 'offline', PATH: process.env.PATH });
}

export interface FakeWorld {
  config: AppConfig;
  store: InMemoryObjectStore;
  memory: InMemoryMemoryStore;
  models: AgentModels;
  imageModel: ImageModel;
  webSearch: WebSearch;
  imageSearch: ImageSearch;
}

/** A new world of fakes: offline models, in-memory stores, search that finds nothing. */
export function fakeWorld(): FakeWorld {
  const config = offlineConfig();
  const emptySearch = { name: 'none', search: () => Promise.resolve([]) };
  return {
    config,
    store: new InMemoryObjectStore(config.s3),
    memory: new InMemoryMemoryStore(),
    models: createAgentModels(config),
    imageModel: createImageModel(config),
    webSearch: emptySearch,
    imageSearch: emptySearch,
  };
}

/**
 * A critic that answers each critique with the next row of `script` (the last row repeats), one status per
 * checklist item in order; a row shorter than the checklist repeats its last status.
 */
export class ScriptedCritic implements ImageCritic {
  readonly provider = 'offline' as const;
  readonly model = 'scripted-critic';
  calls = 0;
  constructor(private readonly script: VerdictStatus[][]) {}

  async critique(input: CritiqueInput): Promise<Modelled<Verdict[]>> {
    const row = this.script[Math.min(this.calls, this.script.length - 1)]!;
    this.calls += 1;
    const value = input.checklist.map((item, i) => verdict(item.id, row[Math.min(i, row.length - 1)]!, `scripted ${row[Math.min(i, row.length - 1)]}`));
    return { value, calls: [offlineCall('critique', this.model, input.request, JSON.stringify(value), Date.now())] };
  }
}

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;

/** The real workflows/ code with the production workflow interceptors, bundled once per test file. */
function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({
    workflowsPath: require.resolve('../../../workflows'),
    workflowInterceptorModules: WORKFLOW_INTERCEPTOR_MODULES,
    logger: new DefaultLogger('WARN'),
  });
  return bundle;
}

export interface WorkerOptions {
  world?: FakeWorld;
  /** Activities to put in place of the factories' ones; a function receives the real ones, to wrap them. */
  overrides?: Partial<AgentActivities> | ((real: AgentActivities) => Partial<AgentActivities>);
}

export interface FastEnv {
  env: TestWorkflowEnvironment;
  /**
   * Runs `fn` with an orchestration and a GPU worker on a fresh task queue, activities built by the
   * project's factories from `world` (and `overrides` on top).
   */
  withWorkers<T>(fn: (taskQueue: string) => Promise<T>, options?: WorkerOptions): Promise<T>;
  teardown(): Promise<void>;
}

export async function startFastEnv(): Promise<FastEnv> {
  const [server, workflows] = await Promise.all([startTimeSkippingServer(), workflowBundle()]);
  const env = await connectTimeSkipping(server).catch(async (err: unknown) => {
    await server.stop();
    throw err;
  });
  await registerSearchAttributes(env);
  const spoolDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fast-spool-'));
  return {
    env,
    async withWorkers(fn, options = {}) {
      const world = options.world ?? fakeWorld();
      const taskQueue = `fast-${randomUUID()}`;
      const deps: AgentDeps = {
        config: world.config,
        models: world.models,
        store: world.store,
        memory: world.memory,
        webSearch: world.webSearch,
        imageSearch: world.imageSearch,
      };
      const interceptors = { activity: [tenantScope(), typedFailures] };
      const orchestration = await Worker.create({
        connection: env.nativeConnection,
        taskQueue,
        workflowBundle: workflows,
        activities: withOverrides(createAgentActivities(deps), options.overrides),
        interceptors,
        // The bundle's OpenTelemetry interceptor exports through this sink; tracing is off here.
        sinks: tracingSinks(undefined),
      });
      const gpu = await Worker.create({
        connection: env.nativeConnection,
        taskQueue: gpuTaskQueueFor(taskQueue),
        activities: createGpuActivities({ imageModel: world.imageModel, store: world.store, spool: new RenderSpool(spoolDir) }),
        interceptors,
      });
      return orchestration.runUntil(gpu.runUntil(fn(taskQueue)));
    },
    async teardown() {
      await env.teardown();
      await server.stop();
      fs.rmSync(spoolDir, { recursive: true, force: true });
    },
  };
}

/**
 * The environment over a server we started. TestWorkflowEnvironment's public factories either start the
 * server themselves (with a 5 s limit a cold JVM can miss) or connect without the time-skipping service; its
 * internal `create` (SDK 1.24.0, pinned) connects to a running server with it.
 */
function connectTimeSkipping(server: RunningTestServer): Promise<TestWorkflowEnvironment> {
  const internal = TestWorkflowEnvironment as unknown as {
    create(opts: { server: { type: 'existing' }; supportsTimeSkipping: true; address: string; namespace: string }): Promise<TestWorkflowEnvironment>;
  };
  return internal.create({ server: { type: 'existing' }, supportsTimeSkipping: true, address: server.address, namespace: 'default' });
}

/** The project's custom search attributes, as `stack:up` registers them on the dev server. */
async function registerSearchAttributes(env: TestWorkflowEnvironment): Promise<void> {
  const { temporal } = await import('@temporalio/proto');
  const type = temporal.api.enums.v1.IndexedValueType;
  const byName: Record<string, number> = { Keyword: type.INDEXED_VALUE_TYPE_KEYWORD, Int: type.INDEXED_VALUE_TYPE_INT };
  const searchAttributes = Object.fromEntries(
    cliSearchAttributeSpecs().map((spec) => {
      const [name, kind] = spec.split('=') as [string, string];
      return [name, byName[kind]!];
    }),
  );
  await env.connection.operatorService.addSearchAttributes({ namespace: 'default', searchAttributes });
}

function withOverrides(real: AgentActivities, overrides: WorkerOptions['overrides']): AgentActivities {
  return { ...real, ...(typeof overrides === 'function' ? overrides(real) : overrides) };
}
