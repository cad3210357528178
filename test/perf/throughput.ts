/**
 * Throughput with 1, 2 and 4 worker processes of each kind (`bench:perf --only throughput`), and where a
 * generation's CPU goes. Every worker set is up before the first measurement, each on its own queue, and
 * the sets take turns round by round in a rotating order, so a slow minute of a noisy machine lands on
 * every set alike. Scaling is the p50 of per-round ratios (a set's rate over the 1-process rate of the same
 * round) with a bootstrap 95% interval. The CPU of each component (worker processes, Temporal, object store,
 * Postgres, the bench's own client and fake model server) is read from /proc around every measurement: when
 * the machine is already busy with one process of each kind, a second cannot add throughput, and the table
 * says which component holds the cores.
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { startGeneration } from '../../client/generations';
import type { AppConfig } from '../../common/config';
import { loadConfig } from '../../config/loadConfig';
import { FakeOpenAIServer } from '../fakeOpenAI/fakeOpenAIServer';
import { freePort } from '../support/freePort';
import { bootstrapMedian, formatEstimate, type Estimate } from './bootstrap';
import { scriptRealistic } from './perfScripts';
import { componentCpuMs, stackServerPids } from './componentCpu';
import { machineTicks } from './processCpu';
import { SpawnedWorkers, spawnedWorkerEnv } from './spawnedWorkers';
const tenantId = 'perf';

export interface ThroughputRow {
  workers: number;
  generations: number;
  seconds: number;
  perSecond: number;
  /** This set's rate over the 1-process set's, per round. */
  scaling: Estimate;
  /** CPU ms per generation of each component, over all of this set's rounds. */
  cpuMsPerRun: Record<string, number>;
  /** The whole machine's CPU (every process and the kernel) over the set's wall time and cores, from /proc/stat. */
  machineBusyPct: number;
  /** CPU the hypervisor gave to other guests meanwhile (steal), of the same: a noisy host shows here. */
  stolenPct: number;
}

export interface MemoryRow {
  runs: number;
  warmupRuns: number;
  rssAfterWarmupMb: number;
  rssAfterRunsMb: number;
  /** From the first quarter's floor to the last's. */
  growthPct: number;
  /** The lowest RSS sampled in each quarter of the runs (the floor after collection), and the highest. */
  floorsMb: number[];
  peaksMb: number[];
  /** The worker's workflow cache at the same moments (the SDK's temporal_sticky_cache_size). */
  cachedWorkflows: (number | undefined)[];
}

export interface ThroughputOptions {
  /** Generations per set per round. */
  runs: number;
  rounds: number;
  workerCounts: number[];
  /** Runs for the RSS growth check on the first set; 0 skips it. */
  leakRuns: number;
  logDir: string;
}

/** Runs before the leak check's baseline: enough to fill the workflow cache and let the JIT and heap settle. */
const LEAK_WARMUP_RUNS = 250;
/** Generations in flight per measurement: more than one set's slots, so every set is kept busy. */
const IN_FLIGHT = 16;

async function generateMany(client: Client, config: AppConfig, total: number, inflight: number, onDone?: (n: number) => void): Promise<number> {
  let next = 0;
  let done = 0;
  const started = performance.now();
  const store = { client, config, store: undefined as never };
  const lane = async () => {
    while (next < total) {
      next++;
      const { workflowId } = await startGeneration(
        store,
        { request: 'a weather forecast card for Hangzhou on 2026-07-15', tenantId, userId: `perf-${next % 16}`, options: { size: '64x64' } },
        `perf-tp-${randomUUID()}`,
      );
      await client.workflow.getHandle(workflowId).result();
      done++;
      onDone?.(done);
    }
  };
  await Promise.all(Array.from({ length: inflight }, lane));
  return (performance.now() - started) / 1000;
}

interface WorkerSet {
  n: number;
  config: AppConfig;
  workers: SpawnedWorkers;
  sdkMetricsPort?: number;
  seconds: number[];
  generations: number;
  cpuMs: Map<string, number>;
  busyMs: number;
  stolenMs: number;
}

export async function measureThroughput(
  client: Client,
  options: ThroughputOptions,
  stackConfig: AppConfig,
  log: (s: string) => void,
): Promise<{ rows: ThroughputRow[]; memory?: MemoryRow }> {
  const fake = await new FakeOpenAIServer().start();
  scriptRealistic(fake);
  const services = stackServerPids(stackConfig);
  const sets: WorkerSet[] = [];
  let memory: MemoryRow | undefined;
  try {
    for (const [i, n] of options.workerCounts.entries()) {
      const queue = `perf-tp${n}-${randomUUID().slice(0, 8)}`;
      const workers = new SpawnedWorkers(spawnedWorkerEnv(fake, queue), path.join(options.logDir, `throughput-${n}`));
      // The leak check reads the SDK's own metrics of the first set's one orchestration worker: its workflow cache.
      const sdkMetricsPort = i === 0 && options.leakRuns > 0 ? await freePort() : undefined;
      workers.spawn('orchestrationWorker', n, sdkMetricsPort ? { IMAGE_AGENT_SDK_METRICS_PORT: String(sdkMetricsPort) } : {});
      workers.spawn('gpuWorker', n);
      const config = loadConfig({ ...process.env, IMAGE_AGENT_TASK_QUEUE: queue });
      sets.push({ n, config, workers, ...(sdkMetricsPort ? { sdkMetricsPort } : {}), seconds: [], generations: 0, cpuMs: new Map(), busyMs: 0, stolenMs: 0 });
    }
    for (const set of sets) await generateMany(client, set.config, 10 * set.n, 4 * set.n); // warm-up: workers up, caches filled
    for (let round = 0; round < options.rounds; round++) {
      for (let k = 0; k < sets.length; k++) {
        const set = sets[(round + k) % sets.length]!;
        const before = componentCpuMs(set.workers, services);
        const machineBefore = machineTicks();
        set.seconds[round] = await generateMany(client, set.config, options.runs, IN_FLIGHT);
        set.generations += options.runs;
        const machineAfter = machineTicks();
        set.busyMs += machineAfter.busyMs - machineBefore.busyMs;
        set.stolenMs += machineAfter.stolenMs - machineBefore.stolenMs;
        for (const [name, ms] of componentCpuMs(set.workers, services)) set.cpuMs.set(name, (set.cpuMs.get(name) ?? 0) + ms - before.get(name)!);
      }
      log(`  throughput round ${round + 1}/${options.rounds}: ${sets.map((s) => `${s.n}: ${(options.runs / s.seconds[round]!).toFixed(2)}/s`).join(', ')}`);
    }
    const base = sets[0]!;
    const rows = sets.map((set): ThroughputRow => {
      const seconds = set.seconds.reduce((a, b) => a + b, 0);
      return {
        workers: set.n,
        generations: set.generations,
        seconds,
        perSecond: set.generations / seconds,
        scaling: bootstrapMedian(set.seconds.map((s, r) => base.seconds[r]! / s)),
        cpuMsPerRun: Object.fromEntries([...set.cpuMs].map(([name, ms]) => [name, ms / set.generations])),
        machineBusyPct: (set.busyMs / (seconds * 1000 * os.cpus().length)) * 100,
        stolenPct: (set.stolenMs / (seconds * 1000 * os.cpus().length)) * 100,
      };
    });
    if (options.leakRuns > 0) memory = await checkLeak(client, base, options.leakRuns, log);
    return { rows, ...(memory ? { memory } : {}) };
  } finally {
    for (const set of sets) await set.workers.stop();
    await fake.stop();
  }
}

/** The orchestration worker's workflow cache size, from the SDK's Prometheus metrics. */
async function stickyCacheSize(port: number): Promise<number | undefined> {
  const text = await fetch(`http://127.0.0.1:${port}/metrics`)
    .then((r) => r.text())
    .catch(() => '');
  const match = /^temporal_sticky_cache_size(?:\{[^}]*\})? (\d+)/m.exec(text);
  return match ? Number(match[1]) : undefined;
}

/**
 * RSS is a sawtooth (the heap grows until the collector runs), so one reading says little. Sampled every 10
 * runs, the lowest reading of each quarter is the floor after collection: a leak raises it.
 */
async function checkLeak(client: Client, set: WorkerSet, leakRuns: number, log: (s: string) => void): Promise<MemoryRow> {
  const rssMb = () => set.workers.rssBytes('orchestrationWorker')[0]! / 2 ** 20;
  await generateMany(client, set.config, LEAK_WARMUP_RUNS, IN_FLIGHT);
  const before = rssMb();
  const quarter = Math.max(1, Math.floor(leakRuns / 4));
  const samples: number[][] = [[], [], [], []];
  const cacheSizes: Promise<number | undefined>[] = [];
  await generateMany(client, set.config, leakRuns, IN_FLIGHT, (done) => {
    if (done % 10 === 0) samples[Math.min(3, Math.floor((done - 1) / quarter))]!.push(rssMb());
    if (done % quarter === 0) cacheSizes.push(stickyCacheSize(set.sdkMetricsPort!));
  });
  const after = rssMb();
  const floorsMb = samples.map((q) => Math.min(...q));
  const cachedWorkflows = await Promise.all(cacheSizes);
  const memory: MemoryRow = {
    runs: leakRuns,
    warmupRuns: LEAK_WARMUP_RUNS,
    rssAfterWarmupMb: before,
    rssAfterRunsMb: after,
    floorsMb,
    peaksMb: samples.map((q) => Math.max(...q)),
    growthPct: ((floorsMb[3]! - floorsMb[0]!) / floorsMb[0]!) * 100,
    cachedWorkflows,
  };
  log(
    `  memory: RSS floor per quarter ${floorsMb.map((c) => c.toFixed(0)).join(' → ')} MB (peaks ${memory.peaksMb.map((c) => c.toFixed(0)).join(', ')}) over ${leakRuns} runs; cached workflows ${cachedWorkflows.join(' → ')}`,
  );
  return memory;
}

/** The throughput table and, below it, CPU per generation of each component for each set. */
export function throughputMarkdown(rows: readonly ThroughputRow[]): string[] {
  const lines = [
    '## Throughput (zero model latency, worker processes of each kind)',
    '',
    '| workers | generations | per second | vs 1 process, p50 of rounds [95% interval] | machine busy | stolen by the host |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows.map(
      (t) =>
        `| ${t.workers} | ${t.generations} | ${t.perSecond.toFixed(2)} | ${formatEstimate(t.scaling)} (${t.scaling.n} rounds) | ${t.machineBusyPct.toFixed(0)}% | ${t.stolenPct.toFixed(0)}% |`,
    ),
    '',
    'CPU per generation (ms), by component and worker processes of each kind:',
    '',
    `| component | ${rows.map((t) => t.workers).join(' | ')} |`,
    `| --- | ${rows.map(() => '---').join(' | ')} |`,
  ];
  const components = Object.keys(rows[0]?.cpuMsPerRun ?? {});
  for (const c of components) lines.push(`| ${c} | ${rows.map((t) => (t.cpuMsPerRun[c] ?? 0).toFixed(0)).join(' | ')} |`);
  lines.push(
    `| all | ${rows
      .map((t) =>
        Object.values(t.cpuMsPerRun)
          .reduce((a, b) => a + b, 0)
          .toFixed(0),
      )
      .join(' | ')} |`,
  );
  return lines;
}
