/**
 * `npm run bench:fairness`: what a tenant waiting at a desk gets while other tenants' batches fill the queues,
 * with priority and fairness keys (the default) and without them (IMAGE_AGENT_DISPATCH_KEYS=false: first in,
 * first out), side by side, on the local stack's dev server against the fake model server (fixed latencies) and
 * deliberately few worker slots (2 model calls, 1 render). Three runs of the same workload, each on its own queue:
 *  - alone: tenant B's 10 interactive runs, nothing else;
 *  - with keys, and without: tenants A (weight 1) and C (weight 4) each start a batch first, and B (weight 2) sends
 *    its 10 runs once their backlog is queued.
 * Read from the histories (ActivityTaskScheduled and ActivityTaskStarted times): B's p95 schedule-to-start against
 * B alone, and A's and C's shares of the renders started while both still had renders waiting, against their
 * weights. Printed, never asserted.
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

type Mode = 'alone' | 'keys' | 'fifo';
const WEIGHTS = { A: 1, B: 2, C: 4 } as const;

interface ActivityTiming {
  tenant: string;
  type: string;
  scheduledMs: number;
  startedMs: number;
}

interface ModeFigures {
  mode: Mode;
  seconds: number;
  bP95Ms: number;
  bMedianMs: number;
  /** A's and C's shares of the renders started while both had renders waiting (undefined alone). */
  shares?: { A: number; C: number; renders: number };
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
    const events = (await env.client.workflow.getHandle(run.workflowId, run.runId).fetchHistory()).events ?? [];
    const scheduled = new Map<string, { type: string; at: number }>();
    for (const e of events) {
      const s = e.activityTaskScheduledEventAttributes;
      if (s) scheduled.set(String(e.eventId), { type: s.activityType?.name ?? '?', at: toMs(e.eventTime) });
      const st = e.activityTaskStartedEventAttributes;
      const from = st ? scheduled.get(String(st.scheduledEventId)) : undefined;
      if (st && from) out.push({ tenant, type: from.type, scheduledMs: from.at, startedMs: toMs(e.eventTime) });
    }
  }
  return out;
}

/** A's and C's shares of the renders started from the first render until one of them had no render left to schedule. */
function renderShares(timings: ActivityTiming[], a: string, c: string): ModeFigures['shares'] {
  const renders = timings.filter((t) => t.type === 'renderImage');
  const lastScheduled = (tenant: string) => Math.max(...renders.filter((r) => r.tenant === tenant).map((r) => r.scheduledMs));
  const from = Math.min(...renders.map((r) => r.startedMs));
  const until = Math.min(lastScheduled(a), lastScheduled(c));
  const window = renders.filter((r) => r.startedMs >= from && r.startedMs <= until && (r.tenant === a || r.tenant === c));
  const nA = window.filter((r) => r.tenant === a).length;
  return { A: nA / window.length, C: (window.length - nA) / window.length, renders: window.length };
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
  if (mode !== 'alone') {
    for (const name of ['A', 'C'] as const) {
      const file = path.join(dir, `${name}.jsonl`);
      fs.writeFileSync(
        file,
        Array.from({ length: cases }, (_, i) => JSON.stringify({ id: `${name}${i}`, request: `product shot ${name}${i}`, size: '64x64' })).join('\n'),
      );
      // Enough cases in flight that both tenants keep renders waiting for the one render slot.
      batches.push((await startBatch(g, [file], { tenantId: tenants[name], system: 'fairness bench', concurrency: 20 })).workflowId);
    }
  }
  const workers = await startTestEnv({ name: `fairness-${mode}-workers`, taskQueue: submit.taskQueue, fake, env });
  try {
    // B sends its runs once the others' backlog is queued.
    await new Promise((r) => setTimeout(r, mode === 'alone' ? 0 : 3000));
    const bRuns = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        startGeneration(g, { request: `a poster for the desk, ${i}`, tenantId: tenants.B, userId: 'b', options: { size: '64x64', maxRounds: 1 } }),
      ),
    );
    await Promise.all(bRuns.map((r) => submit.client.workflow.getHandle(r.workflowId).result()));
    await Promise.all(batches.map((id) => submit.client.workflow.getHandle(id).result()));
    const seconds = (Date.now() - started) / 1000;
    const timings = await activityTimings(submit);
    const b = timings.filter((t) => t.tenant === tenants.B).map((t) => t.startedMs - t.scheduledMs);
    return {
      mode,
      seconds,
      bP95Ms: percentile(b, 95),
      bMedianMs: percentile(b, 50),
      ...(mode === 'alone' ? {} : { shares: renderShares(timings, tenants.A, tenants.C) }),
    };
  } finally {
    await workers.stop();
    await submit.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const opts = new Command().option('--cases <n>', 'cases in each of the two batches', '40').parse().opts<{ cases: string }>();
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
    const expectedA = WEIGHTS.A / (WEIGHTS.A + WEIGHTS.C);
    console.log('');
    console.log('| measure | target | with priority and fairness keys | without (first in, first out) |');
    console.log('| --- | --- | --- | --- |');
    const [keys, fifo] = [figures[1]!, figures[2]!];
    const ratio = (f: ModeFigures) => `${(f.bP95Ms / alone.bP95Ms).toFixed(2)}× (${f.bP95Ms} ms; alone ${alone.bP95Ms} ms)`;
    console.log(`| B's p95 schedule-to-start / B alone | ≤ 2× | ${ratio(keys)} | ${ratio(fifo)} |`);
    const share = (f: ModeFigures) =>
      `A ${(100 * f.shares!.A).toFixed(0)}% / C ${(100 * f.shares!.C).toFixed(0)}% of ${f.shares!.renders} renders (A off its weight by ${((100 * Math.abs(f.shares!.A - expectedA)) / expectedA).toFixed(0)}%)`;
    console.log(
      `| A:C render shares while both wait, against weights 1:4 (A ${(100 * expectedA).toFixed(0)}%) | within ±15% | ${share(keys)} | ${share(fifo)} |`,
    );
    console.log(`| B's median schedule-to-start | — | ${keys.bMedianMs} ms | ${fifo.bMedianMs} ms |`);
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
