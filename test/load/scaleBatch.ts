/**
 * One IA-Bench batch of any size through the Batch workflow, on spawned worker processes (n of each kind) against
 * the fake model server, with the faults `bench:scale` injects midway: an orchestration worker SIGKILLed at 40%
 * of the cases (and started again, as a process manager would), and Temporal's history service restarted at 60%
 * (in dev mode, where history is not a process of its own, the whole dev server). Returns what `bench:scale`
 * prints and checks: each case generated and judged once, the largest history, RSS floors per quarter and the
 * CPU per case of every component.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import { startBatch } from '../../client/batches';
import { tenantPolicies } from '../../client/tenantPolicies';
import type { BatchProgress, BatchResult } from '../../common/batch';
import type { AppConfig } from '../../common/config';
import { projectRoot } from '../../common/paths';
import { BatchId } from '../../common/searchAttributes';
import { loadConfig } from '../../config/loadConfig';
import { infrastructure } from '../../infra/stack';
import { restartClusterService } from '../../infra/temporalCluster';
import type { ObjectStore } from '../../providers/objectStore';
import { batchProgressQuery, batchWorkflowId } from '../../workflows/batch/batchMessages';
import { scriptAgentDefaults } from '../fakeOpenAI/agentDefaults';
import { FakeOpenAIServer } from '../fakeOpenAI/fakeOpenAIServer';
import { componentCpuMs, stackServerPids } from '../perf/componentCpu';
import type { WorkerMemoryBudget } from '../../workers/workerMemory';
import { rssBytesOf, SpawnedWorkers, spawnedWorkerEnv, type WorkerRole } from '../perf/spawnedWorkers';

const SAMPLE_SUITE = path.join(projectRoot, 'benchmarks', 'suites', 'ia-bench-sample.jsonl');
const TENANT = 'scale';

export interface ScaleBatchOptions {
  cases: number;
  /** Worker processes of each kind. */
  workers: number;
  faults: boolean;
  casesPerRun: number;
  concurrency: number;
  dir: string;
  log: (line: string) => void;
}

export interface ScaleBatchResult {
  mode: AppConfig['stack']['temporal'];
  workers: number;
  cases: number;
  seconds: number;
  perSecond: number;
  progress: BatchProgress;
  /** generateImage runs listed under the batch's search attribute, and how many distinct workflow ids they have. */
  generateRuns: number;
  generateIds: number;
  /** Runs of the batch's case workflows listed, distinct ids. */
  caseIds: number;
  expectedTurns: number;
  judgeCalls: number;
  largestHistory: { workflowId: string; bytes: number; events: number };
  parentRuns: number;
  /** Cases before RSS is sampled: the workflow cache and V8's heap fill while the first cases run. */
  rssWarmUpCases: number;
  /** The budget the workers started with (workers/workerMemory.ts). */
  workerMemory: WorkerMemoryBudget;
  /** Per worker process: the lowest RSS in each quarter of the cases after the warm-up, MB. */
  rssFloorsMb: Record<WorkerRole, number[][]>;
  cpuMsPerCase: Record<string, number>;
  faults: string[];
}

/** The sample suite's 53 cases, cycled to `cases` with ids scale-1…, beside a link to its images. */
function generatedSuite(cases: number, dir: string): { file: string; turns: number } {
  const lines = fs.readFileSync(SAMPLE_SUITE, 'utf8').trim().split('\n');
  fs.mkdirSync(dir, { recursive: true });
  const images = path.join(dir, 'images');
  if (!fs.existsSync(images)) fs.symlinkSync(path.join(path.dirname(SAMPLE_SUITE), 'images'), images);
  let turns = 0;
  const out = Array.from({ length: cases }, (_, i) => {
    const c = JSON.parse(lines[i % lines.length]!) as { id: string; turns: unknown[] };
    turns += c.turns.length;
    return JSON.stringify({ ...c, id: `scale-${i + 1}` });
  });
  const file = path.join(dir, `ia-bench-scale-${cases}.jsonl`);
  fs.writeFileSync(file, `${out.join('\n')}\n`);
  return { file, turns };
}

/** Every run of a batch's workflows of one type: workflow id → runs. */
async function listRuns(client: Client, batchId: string, type: string): Promise<Map<string, { runs: number; bytes: number; events: number }>> {
  const runs = new Map<string, { runs: number; bytes: number; events: number }>();
  for await (const w of client.workflow.list({ query: `${BatchId.name} = '${batchId}' AND WorkflowType = '${type}'` })) {
    const seen = runs.get(w.workflowId) ?? { runs: 0, bytes: 0, events: 0 };
    runs.set(w.workflowId, { runs: seen.runs + 1, bytes: Math.max(seen.bytes, w.historySize ?? 0), events: Math.max(seen.events, w.historyLength) });
  }
  return runs;
}

export async function runScaleBatch(g: { client: Client; store: ObjectStore; config: AppConfig }, o: ScaleBatchOptions): Promise<ScaleBatchResult> {
  const fake = await new FakeOpenAIServer().start();
  fake.baseLatencyMs.chat = 5;
  fake.baseLatencyMs['images.generate'] = 5;
  scriptAgentDefaults(fake);
  const queue = `scale-${o.workers}-${randomUUID().slice(0, 8)}`;
  const config = loadConfig({ ...process.env, IMAGE_AGENT_TASK_QUEUE: queue });
  const workerEnv = { ...spawnedWorkerEnv(fake, queue), IMAGE_AGENT_ACTIVITY_CONCURRENCY: '64', IMAGE_AGENT_GPU_CONCURRENCY: '32' };
  const workers = new SpawnedWorkers(workerEnv, path.join(o.dir, `workers-${config.stack.temporal}-${o.workers}`));
  const faults: string[] = [];
  let judgeCalls = 0;
  try {
    workers.spawn('orchestrationWorker', o.workers);
    workers.spawn('gpuWorker', o.workers);
    // The batch's own concurrency is the limit here, not the tenant's default caps on open and queued runs.
    await tenantPolicies(config).change(TENANT, { maxOpenRuns: 10_000, maxQueuedRuns: 10_000 }, 'bench:scale');
    const suite = generatedSuite(o.cases, path.join(o.dir, 'suite'));
    const batchId = `scale${o.cases}-${randomUUID().slice(0, 8)}`;
    const started = Date.now();
    const batch = await startBatch({ ...g, config }, [suite.file], {
      suite: 'ia-bench',
      batchId,
      tenantId: TENANT,
      system: 'image-agent (bench:scale)',
      concurrency: o.concurrency,
      options: { size: '64x64' },
      casesPerRun: o.casesPerRun,
    });
    if (batch.total !== o.cases) throw new Error(`the batch took ${batch.total} of ${o.cases} cases`);
    const cpuBefore = componentCpuMs(workers, stackServerPids(config));
    const handle = g.client.workflow.getHandle(batchWorkflowId(batchId));
    const result = handle.result() as Promise<BatchResult>;
    let finished = false;
    void result.finally(() => (finished = true)).catch(() => undefined);
    const rss: Record<WorkerRole, Map<number, number[][]>> = { orchestrationWorker: new Map(), gpuWorker: new Map() };
    // Two batches' worth of concurrency: long enough for every worker's cache to fill, 2.6% of 10,000 cases.
    const warmUp = Math.min(2 * o.concurrency, Math.floor(o.cases / 2));
    let killed = false;
    let restarted = false;
    let lastLine = 0;
    while (!finished) {
      await sleep(1000);
      // Count the judge's requests as they come, and let the fake forget them: 10,000 cases make ~100,000 requests.
      judgeCalls += fake.requests.filter((r) => JSON.stringify(r.body).includes('Reply with {')).length;
      fake.requests.length = 0;
      const progress = await handle.query(batchProgressQuery).catch(() => undefined);
      if (!progress) continue;
      const share = progress.done / o.cases;
      // Quarters of the cases after the warm-up; nothing is sampled during it.
      const quarter = progress.done < warmUp ? -1 : Math.min(3, Math.floor(((progress.done - warmUp) / (o.cases - warmUp)) * 4));
      for (const role of quarter < 0 ? [] : (['orchestrationWorker', 'gpuWorker'] as const)) {
        for (const pid of workers.pids(role)) {
          const bytes = rssBytesOf(pid);
          if (bytes === undefined) continue;
          const perQuarter = rss[role].get(pid) ?? [[], [], [], []];
          perQuarter[quarter]!.push(bytes / 2 ** 20);
          rss[role].set(pid, perQuarter);
        }
      }
      if (o.faults && !killed && share >= 0.4) {
        killed = true;
        const [victim] = workers.pids('orchestrationWorker');
        if (victim !== undefined) {
          workers.kill(victim);
          workers.spawn('orchestrationWorker', 1);
          faults.push(`${progress.done} cases done: SIGKILL orchestration worker ${victim}, a new one started`);
          o.log(`  ${faults.at(-1)}`);
        }
      }
      if (o.faults && !restarted && share >= 0.6) {
        restarted = true;
        const at = progress.done;
        if (config.stack.temporal === 'cluster') {
          await restartClusterService(config, 'history');
          faults.push(`${at} cases done: Temporal's history service restarted`);
        } else {
          const temporal = infrastructure(config).find((s) => s.name === 'temporal')!;
          await temporal.stop();
          await temporal.start(() => undefined);
          faults.push(`${at} cases done: the Temporal dev server restarted (history is not a process of its own there)`);
        }
        o.log(`  ${faults.at(-1)}`);
      }
      if (Date.now() - lastLine >= 15_000) {
        lastLine = Date.now();
        const seconds = (Date.now() - started) / 1000;
        o.log(
          `  ${progress.done}/${o.cases} cases (${progress.failed} failed, ${progress.running} running, continued as new ${progress.continuedAsNew}×), ${(progress.done / seconds).toFixed(2)} cases/s`,
        );
      }
    }
    const final = await result;
    const seconds = (Date.now() - started) / 1000;
    const cpuAfter = componentCpuMs(workers, stackServerPids(config));
    judgeCalls += fake.requests.filter((r) => JSON.stringify(r.body).includes('Reply with {')).length;
    const generate = await listRuns(g.client, batchId, 'generateImage');
    const cases = await listRuns(g.client, batchId, 'batchCase');
    const parents = [];
    for await (const w of g.client.workflow.list({ query: `WorkflowId = '${batchWorkflowId(batchId)}'` })) parents.push(w);
    const histories = [
      ...parents.map((p) => ({ workflowId: p.workflowId, bytes: p.historySize ?? 0, events: p.historyLength })),
      ...[...generate, ...cases].map(([workflowId, h]) => ({ workflowId, bytes: h.bytes, events: h.events })),
    ];
    const largestHistory = histories.reduce((a, b) => (b.bytes > a.bytes ? b : a), { workflowId: '', bytes: 0, events: 0 });
    const floors = (byPid: Map<number, number[][]>) => [...byPid.values()].map((q) => q.map((samples) => (samples.length ? Math.min(...samples) : NaN)));
    return {
      mode: config.stack.temporal,
      workers: o.workers,
      cases: o.cases,
      seconds,
      perSecond: final.progress.done / seconds,
      progress: final.progress,
      generateRuns: [...generate.values()].reduce((a, h) => a + h.runs, 0),
      generateIds: generate.size,
      caseIds: cases.size,
      expectedTurns: suite.turns,
      judgeCalls,
      largestHistory,
      parentRuns: parents.length,
      rssWarmUpCases: warmUp,
      workerMemory: config.workers.memory,
      rssFloorsMb: { orchestrationWorker: floors(rss.orchestrationWorker), gpuWorker: floors(rss.gpuWorker) },
      cpuMsPerCase: Object.fromEntries([...cpuAfter].map(([name, ms]) => [name, (ms - (cpuBefore.get(name) ?? 0)) / o.cases])),
      faults,
    };
  } finally {
    await workers.stop();
    await fake.stop();
  }
}
