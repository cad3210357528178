/**
 * What image-agent adds on top of Temporal's bare cost, measured side by side (`bench:perf --only overhead`).
 * Each triplet runs, in an order that rotates through all six:
 * - W: a single-round run on the real workers (in-process), start to result;
 * - P: the in-process pipeline doing the same activity work (pipeline.ts), no Temporal;
 * - F: the run's twin (twinWorkflow.ts): its shape from W's recorded history, no-op activities, SDK defaults.
 * Reported: (W − P) / F and W / P, each as the p50 of per-triplet ratios with a bootstrap 95% interval, the
 * shape and its regular-activity groups, and how many activities started eagerly (the SDK's own metric).
 * Variants of W (a setting changed, its own workers) run in every triplet too, so what each setting costs is
 * read from the same minutes of the same machine.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { startGeneration } from '../../client/generations';
import { projectRoot } from '../../common/paths';
import { createEncryption } from '../../security/dataConverter';
import { UNTRACED_INTERCEPTOR_MODULES, writeWorkflowBundle } from '../../workers/workflowBundle';
import { FakeOpenAIServer } from '../fakeOpenAI/fakeOpenAIServer';
import { claimCheckWriteTotals } from '../support/claimCheckWrites';
import { metricSamples, metricSum } from '../support/prometheusText';
import { startTestEnv, type TestEnv } from '../support/testEnv';
import { bootstrapMedian, type Estimate } from './bootstrap';
import { percentile } from './percentile';
import { Pipeline, stepsOf } from './pipeline';
import { scriptRealistic } from './perfScripts';
import { describeShape, regularGroupCount, runShape, twinGroups } from './runShape';
import { startTwin } from './twinRunner';
import type { TwinGroup } from './twinWorkflow';

export interface EagerUse {
  eager: number;
  total: number;
}

export interface OverheadRow {
  latency: string;
  triplets: number;
  workflowP50Ms: number;
  pipelineP50Ms: number;
  twinP50Ms: number;
  overheadP50Ms: number;
  /** Part of W: starting the run on the client (validation, tenant rules, the start call) until the server has it. */
  startP50Ms: number;
  /** Only with at least 100 triplets: below that the p95 is the maximum. */
  overheadP95Ms?: number;
  /** (W − P) / F per triplet: what image-agent adds, in units of Temporal's own cost for the shape. */
  addedOverTwin: Estimate;
  /** W / P per triplet. */
  workflowOverPipeline: Estimate;
  shape: string;
  /** The run's shape with its audit writes (F runs it without them; `--only floor` measures them apart). */
  groups: TwinGroup[];
  regularGroups: number;
  workflowTasks: number;
  /** Activity tasks the run's worker and the twin's received eagerly, over the measured triplets. */
  eager?: { workflow: EagerUse; twin: EagerUse };
  /** W with one setting changed, run in every triplet beside W (zero model latency only). */
  variants?: VariantRow[];
  /** The claim check's object writes in each W run, timed by its metric (`image_agent_claim_check_write_seconds`). */
  claimCheck: ClaimCheckTiming;
}

export interface ClaimCheckTiming {
  writesPerRunP50: number;
  /** Summed per run: writes of one activity group overlap, so an upper bound on what they add to W. */
  msPerRunP50: number;
  /** That sum over F, per triplet. */
  ofTwin: Estimate;
}

export interface VariantRow {
  variant: string;
  p50Ms: number;
  /** (W' − P) / F per triplet, to read beside W's. */
  addedOverTwin: Estimate;
  /** For the eager-start variant: runs the server started eagerly, of its measured runs. */
  eagerStarts?: number;
}

/** A setting of the run's workers to measure against W: its own workers and queue, the same server. */
export interface Variant {
  name: string;
  env: Record<string, string>;
  /** A workflow bundle of its own, built before the triplets. */
  bundle?: { file: string; interceptorModules: string[] };
  /** Its client shares the workers' NativeConnection and asks for an eager workflow start. */
  eagerStart?: boolean;
}

/** The variants the bench measures by default: each is a round trip or a codec W could do without. */
const DEFAULT_VARIANTS: Variant[] = [
  { name: 'eager activity starts off', env: { IMAGE_AGENT_EAGER_ACTIVITY_SLOTS: '0' } },
  { name: 'eager workflow start (a client on the worker’s connection)', env: {}, eagerStart: true },
  { name: 'codecs off (no compression, no encryption)', env: { IMAGE_AGENT_ENCRYPTION: 'false' } },
  {
    name: 'a bundle without the tracing module (OpenTelemetry’s workflow interceptors; tracing is off in every variant)',
    env: {},
    bundle: { file: path.join(projectRoot, '.stack', 'test', 'workflow-bundle-untraced.js'), interceptorModules: UNTRACED_INTERCEPTOR_MODULES },
  },
];

/** The six orders of W, P and F: triplet i runs in ORDERS[i % 6]. */
const ORDERS = ['WPF', 'PFW', 'FWP', 'WFP', 'FPW', 'PWF'] as const;

/** Activity tasks received per task queue and eagerness, from the SDK's Prometheus text. */
export function activityTasksReceived(metricsText: string): Map<string, EagerUse> {
  const byQueue = new Map<string, EagerUse>();
  for (const queue of new Set(metricSamples(metricsText, 'temporal_activity_task_received_total').map((s) => s.labels.task_queue ?? ''))) {
    const total = metricSum(metricsText, 'temporal_activity_task_received_total', { task_queue: queue });
    byQueue.set(queue, { eager: metricSum(metricsText, 'temporal_activity_task_received_total', { task_queue: queue, eager: 'true' }), total });
  }
  return byQueue;
}

async function eagerSnapshot(metricsUrl: string | undefined, queues: string[]): Promise<EagerUse[] | undefined> {
  if (!metricsUrl) return undefined;
  const counts = activityTasksReceived(await (await fetch(metricsUrl)).text());
  return queues.map((q) => counts.get(q) ?? { eager: 0, total: 0 });
}

const tenantId = 'perf';
const REQUEST = 'a weather forecast card for Hangzhou on 2026-07-15';

async function runOnce(env: TestEnv): Promise<{ ms: number; startMs: number; handle: WorkflowHandle; eagerlyStarted: boolean }> {
  const started = performance.now();
  const { workflowId, eagerlyStarted } = await startGeneration(
    { client: env.client, config: env.config, store: env.store, eagerStart: env.eagerStart },
    { request: REQUEST, tenantId, userId: 'perf-user', options: { size: '256x256' }, review: { required: false, planApproval: false, onTimeout: 'expire' } },
    `perf-${randomUUID()}`,
  );
  const startMs = performance.now() - started;
  const handle = env.client.workflow.getHandle(workflowId);
  await handle.result();
  return { ms: performance.now() - started, startMs, handle, eagerlyStarted: Boolean(eagerlyStarted) };
}

/** The shape of a single-round run against the fake endpoint, read from its history (for the twin alone). */
export async function recordedShape(): Promise<TwinGroup[]> {
  const fake = await new FakeOpenAIServer().start();
  const env = await startTestEnv({ name: 'perf-shape', fake });
  try {
    scriptRealistic(fake);
    const { handle } = await runOnce(env);
    return twinGroups(runShape((await handle.fetchHistory()).events ?? [], env.config.temporal.gpuTaskQueue), { audit: true });
  } finally {
    await env.stop();
    await fake.stop();
  }
}

export async function measureOverhead(
  triplets: number,
  log: (s: string) => void,
  metricsUrl?: string,
  variants: Variant[] = DEFAULT_VARIANTS,
): Promise<OverheadRow[]> {
  const fake = await new FakeOpenAIServer().start();
  const env = await startTestEnv({ name: 'perf-overhead', fake });
  const variantEnvs: TestEnv[] = [];
  for (const [i, v] of variants.entries()) {
    if (v.bundle) await writeWorkflowBundle(v.bundle.file, undefined, v.bundle.interceptorModules);
    variantEnvs.push(
      await startTestEnv({
        name: `perf-variant-${i}`,
        fake,
        env: v.env,
        ...(v.bundle ? { workflowBundlePath: v.bundle.file } : {}),
        ...(v.eagerStart ? { eagerStart: true } : {}),
      }),
    );
  }
  const pipeline = new Pipeline(env.config);
  const encryption = createEncryption(env.config);
  const twin = await startTwin(env.config);
  const rows: OverheadRow[] = [];
  try {
    for (const [label, chat, image] of [
      ['zero model latency', 0, 0],
      ['chat 200 ms, image 1 s', 200, 1000],
    ] as const) {
      scriptRealistic(fake);
      fake.baseLatencyMs.chat = chat;
      fake.baseLatencyMs['images.generate'] = image;
      // The warm-up triplet: W's history gives P its steps and F its shape, for every triplet after it.
      const first = await runOnce(env);
      const events = (await first.handle.fetchHistory()).events ?? [];
      const steps = await stepsOf(first.handle, encryption, env.store);
      const shape = runShape(events, env.config.temporal.gpuTaskQueue);
      const groups = twinGroups(shape);
      await pipeline.run(steps, tenantId);
      await twin.run(groups);
      const measuredVariants = chat === 0 ? variantEnvs : [];
      for (const v of measuredVariants) await runOnce(v);
      const vw: number[][] = measuredVariants.map(() => []);
      const veager: number[] = measuredVariants.map(() => 0);
      const queues = [env.config.temporal.taskQueue, twin.taskQueue];
      const eagerBefore = await eagerSnapshot(metricsUrl, queues);
      const w: number[] = [];
      const starts: number[] = [];
      const p: number[] = [];
      const f: number[] = [];
      const claimWrites: number[] = [];
      const claimMs: number[] = [];
      for (let i = 0; i < triplets; i++) {
        for (const step of ORDERS[i % ORDERS.length]!) {
          if (step === 'W') {
            // This process's workers are W's and its variants', which never run at once: the difference is this run's.
            const before = await claimCheckWriteTotals();
            const run = await runOnce(env);
            const after = await claimCheckWriteTotals();
            w.push(run.ms);
            starts.push(run.startMs);
            claimWrites.push(after.writes - before.writes);
            claimMs.push(after.ms - before.ms);
          } else if (step === 'P') p.push(await pipeline.run(steps, tenantId));
          else f.push(await twin.run(groups));
        }
        for (let k = 0; k < measuredVariants.length; k++) {
          const v = (i + k) % measuredVariants.length;
          const run = await runOnce(measuredVariants[v]!);
          vw[v]!.push(run.ms);
          if (run.eagerlyStarted) veager[v]! += 1;
        }
      }
      const eagerAfter = await eagerSnapshot(metricsUrl, queues);
      const added = w.map((wi, i) => (wi - p[i]!) / f[i]!);
      const diff = w.map((wi, i) => wi - p[i]!);
      const row: OverheadRow = {
        latency: label,
        triplets,
        workflowP50Ms: percentile(w, 50),
        pipelineP50Ms: percentile(p, 50),
        twinP50Ms: percentile(f, 50),
        overheadP50Ms: percentile(diff, 50),
        startP50Ms: percentile(starts, 50),
        ...(triplets >= 100 ? { overheadP95Ms: percentile(diff, 95) } : {}),
        addedOverTwin: bootstrapMedian(added),
        workflowOverPipeline: bootstrapMedian(w.map((wi, i) => wi / p[i]!)),
        shape: describeShape(shape),
        groups: twinGroups(shape, { audit: true }),
        regularGroups: regularGroupCount(events),
        workflowTasks: events.filter((e) => e.workflowTaskCompletedEventAttributes).length,
        claimCheck: {
          writesPerRunP50: percentile(claimWrites, 50),
          msPerRunP50: percentile(claimMs, 50),
          ofTwin: bootstrapMedian(claimMs.map((c, i) => c / f[i]!)),
        },
        ...(eagerBefore && eagerAfter
          ? {
              eager: {
                workflow: { eager: eagerAfter[0]!.eager - eagerBefore[0]!.eager, total: eagerAfter[0]!.total - eagerBefore[0]!.total },
                twin: { eager: eagerAfter[1]!.eager - eagerBefore[1]!.eager, total: eagerAfter[1]!.total - eagerBefore[1]!.total },
              },
            }
          : {}),
      };
      if (measuredVariants.length)
        row.variants = measuredVariants.map((_, v) => ({
          variant: variants[v]!.name,
          p50Ms: percentile(vw[v]!, 50),
          addedOverTwin: bootstrapMedian(vw[v]!.map((wv, i) => (wv - p[i]!) / f[i]!)),
          ...(variants[v]!.eagerStart ? { eagerStarts: veager[v]! } : {}),
        }));
      rows.push(row);
      log(
        `  overhead (${label}): (W − P) / F ${row.addedOverTwin.p50.toFixed(2)}, W / P ${row.workflowOverPipeline.p50.toFixed(2)}; twin ${row.twinP50Ms.toFixed(0)} ms`,
      );
    }
  } finally {
    await twin.stop();
    encryption.close();
    await pipeline.close();
    for (const v of variantEnvs) await v.stop();
    await env.stop();
    await fake.stop();
  }
  return rows;
}
