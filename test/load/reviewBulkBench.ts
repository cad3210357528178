/**
 * `npm run bench:review`: a reviewer approves a page of waiting runs at once. N runs (default 100) wait for review
 * on the local stack (offline models); the inbox lists them (one request), then one bulk request approves them all
 * through the API, each decision signed and validated on its own. Printed, never asserted: the time the inbox and
 * the bulk approval took (target: the approval of 100 within 5 s on 2 cores). Measured side by side with the
 * workers as processes (as deployed) and inside the bench's own process. Exits 1 unless every run recorded exactly
 * one approval, read back from its result.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Command } from 'commander';
import { optionalTsToMs } from '@temporalio/common/lib/time';
import { buildApi } from '../../client/api/apiServer';
import { startGeneration } from '../../client/generations';
import type { InboxPage } from '../../client/reviewInbox';
import type { GenerateImageResult } from '../../common/runResult';
import { writeWorkflowBundle } from '../../workers/workflowBundle';
import { TEST_BUNDLE } from '../support/paths';
import { percentile } from '../perf/percentile';
import { SpawnedWorkers } from '../perf/spawnedWorkers';
import { startTestEnv } from '../support/testEnv';

type WorkerShape = 'processes' | 'in-process';

interface ReviewFigures {
  inboxMs: number;
  pageMs: number;
  pageCards: number;
  bulkMs: number;
  bulkRuns: number;
  status: number;
  /** When each run accepted its decision, ms after the request was sent (the server's clock, on this machine). */
  acceptedAfter: number[];
  approvedInAnswer: string;
  recordedOnce: number;
  completedApproved: number;
}

/**
 * One measurement: N runs wait for review on their own queue, then one bulk request approves them. The workers are
 * either processes as deployed (`node dist/workers/*.js` with their memory budget, beside the bench's API) or
 * inside the bench's own process, where the API's request handling, the client and the workers share one event loop.
 */
async function measure(count: number, shape: WorkerShape): Promise<ReviewFigures> {
  const tenant = `bench-review-${randomUUID().slice(0, 8)}`;
  const token = `tok-bench-review-${randomUUID()}`;
  const env = await startTestEnv({
    name: 'review-bench',
    workers: shape === 'in-process',
    env: { IMAGE_AGENT_API_TOKENS: `${token}:${tenant}:bench-reviewer:review` },
  });
  const workers = new SpawnedWorkers(
    { IMAGE_AGENT_TASK_QUEUE: env.taskQueue, IMAGE_AGENT_PROVIDERS: 'offline', IMAGE_AGENT_LOG_FORMAT: 'json', IMAGE_AGENT_WORKER_GRACE_SECONDS: '5' },
    path.join('.stack', 'bench', 'review'),
  );
  const api = buildApi({ client: env.client, config: env.config, store: env.store });
  try {
    if (shape === 'processes') {
      workers.spawn('orchestrationWorker', 1);
      workers.spawn('gpuWorker', 1);
    }
    await api.listen({ host: '127.0.0.1', port: 0 });
    const base = `http://127.0.0.1:${(api.server.address() as AddressInfo).port}`;
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const g = { client: env.client, config: env.config, store: env.store };
    const started = await Promise.all(
      Array.from({ length: count }, (_, i) =>
        startGeneration(g, {
          request: `a catalogue tile ${i}`,
          tenantId: tenant,
          userId: 'bench',
          options: { size: '256x256', maxRounds: 1 },
          review: { required: true, onTimeout: 'expire' },
        }),
      ),
    );
    // Wait until every run waits at its gate (visible in the inbox).
    let inbox: InboxPage;
    for (;;) {
      inbox = (await (await fetch(`${base}/v1/reviews/inbox?pageSize=100`, { headers })).json()) as InboxPage;
      if (inbox.total >= count) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const inboxStarted = performance.now();
    inbox = (await (await fetch(`${base}/v1/reviews/inbox?pageSize=100`, { headers })).json()) as InboxPage;
    const inboxMs = performance.now() - inboxStarted;
    const pageStarted = performance.now();
    const html = await (await fetch(`${base}/review?pageSize=100`, { headers })).text();
    const pageMs = performance.now() - pageStarted;

    const body = { decision: 'approve', runs: inbox.entries.map((e) => ({ workflowId: e.workflowId, gate: e.gate, candidateKey: e.candidateKey })) };
    const bulkStartedAt = Date.now();
    const bulkStarted = performance.now();
    const res = await fetch(`${base}/v1/reviews/bulk`, {
      method: 'POST',
      headers: { ...headers, 'idempotency-key': `bench-${randomUUID()}` },
      body: JSON.stringify(body),
    });
    const answer = (await res.json()) as { results: { ok: boolean; status: number }[] };
    const bulkMs = performance.now() - bulkStarted;

    const results = await Promise.all(started.map((s) => env.client.workflow.getHandle(s.workflowId).result() as Promise<GenerateImageResult>));
    const recorded = results.map((r) => r.decisions.filter((d) => d.kind === 'result' && d.decision === 'approve').length);
    const acceptedAfter = (
      await Promise.all(
        started.map((s) =>
          env.client.workflow
            .getHandle(s.workflowId)
            .fetchHistory()
            .then((h) => h.events ?? []),
        ),
      )
    )
      .flatMap((events) => optionalTsToMs(events.find((e) => e.workflowExecutionUpdateAcceptedEventAttributes)?.eventTime) ?? [])
      .map((ms) => ms - bulkStartedAt);
    return {
      inboxMs,
      pageMs,
      pageCards: (html.match(/<section class="run"/g) ?? []).length,
      bulkMs,
      bulkRuns: body.runs.length,
      status: res.status,
      acceptedAfter,
      approvedInAnswer: `${answer.results.filter((r) => r.ok).length} of ${answer.results.length}`,
      recordedOnce: recorded.filter((n) => n === 1).length,
      completedApproved: results.filter((r) => r.approval === 'approved').length,
    };
  } finally {
    await api.close();
    await workers.stop();
    await env.stop();
  }
}

async function main(): Promise<void> {
  const opts = new Command()
    .option('--runs <n>', 'runs waiting for review', '100')
    .option('--workers <shapes>', 'where the workers run: processes (as deployed), in-process, or both side by side', 'processes,in-process')
    .parse()
    .opts<{ runs: string; workers: string }>();
  const count = Number(opts.runs);
  const shapes = opts.workers.split(',').map((w) => w.trim());
  const bad = shapes.find((w) => w !== 'processes' && w !== 'in-process');
  if (!Number.isInteger(count) || count < 1 || bad !== undefined)
    throw new Error(`--runs takes a whole number and --workers processes, in-process (got "${bad ?? opts.runs}")`);
  await writeWorkflowBundle(TEST_BUNDLE);
  const figures: [WorkerShape, ReviewFigures][] = [];
  for (const shape of shapes as WorkerShape[]) figures.push([shape, await measure(count, shape)]);

  const row = (name: string, cell: (f: ReviewFigures) => string) => console.log(`| ${name} | ${figures.map(([, f]) => cell(f)).join(' | ')} |`);
  const at = (f: ReviewFigures, p: number) => (f.acceptedAfter.length ? `${(percentile(f.acceptedAfter, p) / 1000).toFixed(2)} s` : 'none');
  console.log('');
  console.log(
    `| measure | ${figures.map(([shape]) => (shape === 'processes' ? 'worker processes (as deployed)' : 'workers in the bench process')).join(' | ')} |`,
  );
  console.log(`| --- | ${figures.map(() => '---').join(' | ')} |`);
  row('runs waiting for review', () => String(count));
  row('inbox, one page (GET /v1/reviews/inbox)', (f) => `${Math.round(f.inboxMs)} ms`);
  row('inbox page as HTML, cards with status (GET /review)', (f) => `${Math.round(f.pageMs)} ms (${f.pageCards} cards)`);
  row('bulk approval (POST /v1/reviews/bulk; target ≤ 5 s)', (f) => `**${(f.bulkMs / 1000).toFixed(2)} s** (${f.bulkRuns} runs, HTTP ${f.status})`);
  row('decisions accepted by their runs, after the request: first, median, last', (f) => `${at(f, 0)}, ${at(f, 50)}, ${at(f, 100)}`);
  row('runs the bulk answer says were approved', (f) => f.approvedInAnswer);
  row('runs that recorded exactly one approval (target: all)', (f) => `**${f.recordedOnce} of ${count}**`);
  row('runs completed approved', (f) => `${f.completedApproved} of ${count}`);
  if (figures.some(([, f]) => f.recordedOnce !== count)) process.exitCode = 1;
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
