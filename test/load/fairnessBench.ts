/**
 * `npm run bench:fairness`: what a tenant waiting at a desk gets while other tenants' batches fill the queues,
 * with priority and fairness keys (the default) and without them (IMAGE_AGENT_DISPATCH_KEYS=false: first in,
 * first out), side by side, on the local stack's dev server against the fake model server (fixed latencies) and
 * deliberately few worker slots (2 model calls, 1 render). Three runs of the same workload, each on its own queue:
 *  - alone: tenant B's 10 interactive runs, nothing else;
 *  - with keys, and without: tenants A (weight 1) and C (weight 4) each start a batch first; once their backlog is
 *    queued, B (weight 2) sends its 10 interactive runs and starts a batch of its own.
 * Read from the histories (ActivityTaskScheduled and ActivityTaskStarted times):
 *  - B's p95 schedule-to-start of its interactive runs, against B alone;
 *  - the three tenants' shares of the batch renders started while all three still had renders to come, against
 *    their weights.
 * And the ETA that `status` gives each run when it is new to the queue (client/queuePlace.ts), against when it
 * finished. Printed, never asserted.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Command } from 'commander';
import { startBatch } from '../../client/batches';
import { startGeneration } from '../../client/generations';
import { tenantPolicies } from '../../client/tenantPolicies';
import { Tenant } from '../../common/searchAttributes';
import { scriptAgentDefaults } from '../fakeOpenAI/agentDefaults';
import { FakeOpenAIServer } from '../fakeOpenAI/fakeOpenAIServer';
import { startTestEnv, type TestEnv } from '../support/testEnv';
import { TEST_BUNDLE } from '../support/paths';
import { writeWorkflowBundle } from '../../workers/workflowBundle';
import { runEta } from '../../client/queuePlace';

type Mode = 'alone' | 'keys' | 'fifo';
const WEIGHTS = { A: 1, B: 2, C: 4 } as const;

interface ActivityTiming {
  tenant: string;
  /** A batch's case (a child run), not an interactive run. */
  batchCase: boolean;
  type: string;
  scheduledMs: number;
  startedMs: number;
}

interface ModeFigures {
  mode: Mode;
  seconds: number;
  bP95Ms: number;
  bMedianMs: number;
  /** Each tenant's share of the batch renders started while all three had renders to come (undefined alone). */
  shares?: { A: number; B: number; C: number; renders: number };
  /** |ETA - actual| / actual of each sampled ETA. */
  etaErrors: number[];
}

interface EtaSample {
  workflowId: string;
  atMs: number;
  etaSeconds: number;
}

const toMs = (t: { seconds?: unknown; nanos?: number | null } | null | undefined): number => Number(t?.seconds ?? 0) * 1000 + Math.floor((t?.nanos ?? 0) / 1e6);

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

/** Every activity of every generation on the queue, with its tenant. */
async function activityTimings(env: TestEnv): Promise<ActivityTiming[]> {
  const out: ActivityTiming[] = [];
  for await (const run of env.client.workflow.list({ query: `TaskQueue = '${env.taskQueue}' AND WorkflowType = 'generateImage'` })) {
    const tenant = run.typedSearchAttributes.get(Tenant) ?? '?';
    const batchCase = run.parentExecution !== undefined;
    const events = (await env.client.workflow.getHandle(run.workflowId, run.runId).fetchHistory()).events ?? [];
    const scheduled = new Map<string, { type: string; at: number }>();
    for (const e of events) {
      const s = e.activityTaskScheduledEventAttributes;
      if (s) scheduled.set(String(e.eventId), { type: s.activityType?.name ?? '?', at: toMs(e.eventTime) });
      const st = e.activityTaskStartedEventAttributes;
      const from = st ? scheduled.get(String(st.scheduledEventId)) : undefined;
      if (st && from) out.push({ tenant, batchCase, type: from.type, scheduledMs: from.at, startedMs: toMs(e.eventTime) });
    }
  }
  return out;
}

/** Each tenant's share of the batch renders started from when all three had one waiting until one had none left to come. */
function renderShares(timings: ActivityTiming[], tenants: Record<'A' | 'B' | 'C', string>): ModeFigures['shares'] {
  const renders = timings.filter((t) => t.type === 'renderImage' && t.batchCase);
  const of = (tenant: string) => renders.filter((r) => r.tenant === tenant);
  const names = ['A', 'B', 'C'] as const;
  const from = Math.max(...names.map((n) => Math.min(...of(tenants[n]).map((r) => r.scheduledMs))));
  const until = Math.min(...names.map((n) => Math.max(...of(tenants[n]).map((r) => r.scheduledMs))));
  const window = renders.filter((r) => r.startedMs >= from && r.startedMs <= until);
  const share = (n: (typeof names)[number]) => window.filter((r) => r.tenant === tenants[n]).length / window.length;
  return { A: share('A'), B: share('B'), C: share('C'), renders: window.length };
}

/**
 * Every two seconds until stopped, the ETA `status` gives each open run of the queue not sampled yet (up to
 * `perSample` of them, oldest first): what a person sees when the run is new to the queue.
 */
function sampleEtas(env: TestEnv, perSample: number): { stop: () => Promise<EtaSample[]> } {
  const samples: EtaSample[] = [];
  const seen = new Set<string>();
  let stopped = false;
  const g = { client: env.client };
  const loop = (async () => {
    while (!stopped) {
      const fresh = [];
      for await (const run of env.client.workflow.list({
        query: `TaskQueue = '${env.taskQueue}' AND WorkflowType = 'generateImage' AND ExecutionStatus = 'Running'`,
      }))
        if (!seen.has(run.workflowId)) fresh.push(run);
      for (const run of fresh.sort((a, b) => a.startTime.getTime() - b.startTime.getTime()).slice(0, perSample)) {
        seen.add(run.workflowId);
        const eta = await runEta(g, run);
        if (eta.etaSeconds !== undefined) samples.push({ workflowId: run.workflowId, atMs: Date.now(), etaSeconds: eta.etaSeconds });
      }
      await new Promise((r) => setTimeout(r, 2000));
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await loop;
      return samples;
    },
  };
}

/** |ETA - actual| / actual for each sample, from each run's close time. */
async function etaErrors(env: TestEnv, samples: EtaSample[]): Promise<number[]> {
  const closed = new Map<string, number>();
  for await (const run of env.client.workflow.list({
    query: `TaskQueue = '${env.taskQueue}' AND WorkflowType = 'generateImage' AND ExecutionStatus != 'Running'`,
  }))
    if (run.closeTime) closed.set(run.workflowId, run.closeTime.getTime());
  return samples.flatMap((s) => {
    const at = closed.get(s.workflowId);
    const actual = at === undefined ? undefined : (at - s.atMs) / 1000;
    // Runs that closed within a second of the sample: the ratio would be noise.
    return actual !== undefined && actual >= 1 ? [Math.abs(s.etaSeconds - actual) / actual] : [];
  });
}

async function runMode(mode: Mode, fake: FakeOpenAIServer, cases: number): Promise<ModeFigures> {
  const suffix = randomUUID().slice(0, 6);
  const tenants = { A: `fair-a-${suffix}`, B: `fair-b-${suffix}`, C: `fair-c-${suffix}` };
  const env = {
    IMAGE_AGENT_ACTIVITY_CONCURRENCY: '2',
    IMAGE_AGENT_GPU_CONCURRENCY: '1',
    IMAGE_AGENT_DISPATCH_KEYS: mode === 'fifo' ? 'false' : 'true',
    IMAGE_AGENT_TENANT_POLICY_CACHE_SECONDS: '0',
  };
  // Submitted before any worker polls the queue, so the batches' backlog is there when the workers start.
  const submit = await startTestEnv({ name: `fairness-${mode}`, workers: false, fake, env });
  const g = { client: submit.client, config: submit.config, store: submit.store };
  for (const [name, weight] of Object.entries(WEIGHTS))
    await tenantPolicies(submit.config).change(tenants[name as keyof typeof tenants], { fairnessWeight: weight }, 'bench');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fairness-'));
  const started = Date.now();
  const batches: string[] = [];
  const startBatchOf = async (name: 'A' | 'B' | 'C') => {
    const file = path.join(dir, `${name}.jsonl`);
    fs.writeFileSync(
      file,
      Array.from({ length: cases }, (_, i) => JSON.stringify({ id: `${name}${i}`, request: `product shot ${name}${i}`, size: '64x64' })).join('\n'),
    );
    // Enough cases in flight that each tenant keeps renders waiting for the one render slot.
    batches.push((await startBatch(g, [file], { tenantId: tenants[name], system: 'fairness bench', concurrency: 20 })).workflowId);
  };
  if (mode !== 'alone') for (const name of ['A', 'C'] as const) await startBatchOf(name);
  const workers = await startTestEnv({ name: `fairness-${mode}-workers`, taskQueue: submit.taskQueue, fake, env });
  const etas = sampleEtas(submit, 20);
  try {
    // B sends its runs once the others' backlog is queued.
    await new Promise((r) => setTimeout(r, mode === 'alone' ? 0 : 3000));
    const bRuns = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        startGeneration(g, { request: `a poster for the desk, ${i}`, tenantId: tenants.B, userId: 'b', options: { size: '64x64', maxRounds: 1 } }),
      ),
    );
    if (mode !== 'alone') await startBatchOf('B');
    await Promise.all(bRuns.map((r) => submit.client.workflow.getHandle(r.workflowId).result()));
    await Promise.all(batches.map((id) => submit.client.workflow.getHandle(id).result()));
    const seconds = (Date.now() - started) / 1000;
    const timings = await activityTimings(submit);
    const b = timings.filter((t) => t.tenant === tenants.B && !t.batchCase).map((t) => t.startedMs - t.scheduledMs);
    return {
      mode,
      seconds,
      bP95Ms: percentile(b, 95),
      bMedianMs: percentile(b, 50),
      ...(mode === 'alone' ? {} : { shares: renderShares(timings, tenants) }),
      etaErrors: await etaErrors(submit, await etas.stop()),
    };
  } finally {
    await etas.stop();
    await workers.stop();
    await submit.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const opts = new Command().option('--cases <n>', 'cases in each of the three batches', '80').parse().opts<{ cases: string }>();
  // The workers load the test bundle, built here as the test suite's set-up builds it.
  await writeWorkflowBundle(TEST_BUNDLE);
  const fake = await new FakeOpenAIServer().start();
  fake.baseLatencyMs.chat = 20;
  fake.baseLatencyMs['images.generate'] = 150;
  scriptAgentDefaults(fake);
  try {
    const figures: ModeFigures[] = [];
    for (const mode of ['alone', 'keys', 'fifo'] as const) {
      figures.push(await runMode(mode, fake, Number(opts.cases)));
      console.log(`ran ${mode} in ${figures.at(-1)!.seconds.toFixed(0)} s`);
    }
    const alone = figures[0]!;
    const total = WEIGHTS.A + WEIGHTS.B + WEIGHTS.C;
    const [keys, fifo] = [figures[1]!, figures[2]!];
    console.log('');
    console.log('| measure | target | with priority and fairness keys | without (first in, first out) |');
    console.log('| --- | --- | --- | --- |');
    const ratio = (f: ModeFigures) => `${(f.bP95Ms / alone.bP95Ms).toFixed(2)}× (${f.bP95Ms} ms; alone ${alone.bP95Ms} ms)`;
    console.log(`| B's p95 schedule-to-start (interactive) / B alone | ≤ 2× | ${ratio(keys)} | ${ratio(fifo)} |`);
    const pct = (x: number) => `${(100 * x).toFixed(0)}%`;
    const share = (f: ModeFigures) => {
      const off = (['A', 'B', 'C'] as const).map((n) => Math.abs(f.shares![n] - WEIGHTS[n] / total) / (WEIGHTS[n] / total));
      return `A ${pct(f.shares!.A)} / B ${pct(f.shares!.B)} / C ${pct(f.shares!.C)} of ${f.shares!.renders} renders (at most ${pct(Math.max(...off))} off a weight)`;
    };
    const expected = (['A', 'B', 'C'] as const).map((n) => `${n} ${pct(WEIGHTS[n] / total)}`).join(' / ');
    console.log(`| batch render shares while all three wait, against weights 1:2:4 (${expected}) | each within ±15% | ${share(keys)} | ${share(fifo)} |`);
    const eta = (f: ModeFigures) => `${pct(percentile(f.etaErrors, 50))} (p90 ${pct(percentile(f.etaErrors, 90))}, ${f.etaErrors.length} runs)`;
    console.log(`| ETA error of a new run, median \\|ETA − actual\\| / actual | ≤ 25% | ${eta(keys)} | ${eta(fifo)} |`);
    console.log(`| B's median schedule-to-start (interactive) | — | ${keys.bMedianMs} ms | ${fifo.bMedianMs} ms |`);
  } finally {
    await fake.stop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`bench:fairness failed: ${(err as Error).stack ?? String(err)}`);
    process.exit(1);
  },
);
