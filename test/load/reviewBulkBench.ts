/**
 * `npm run bench:review`: a reviewer approves a page of waiting runs at once. N runs (default 100) wait for review
 * on the local stack (offline models); the inbox lists them (one request), then one bulk request approves them all
 * through the API, each decision signed and validated on its own. Printed, never asserted: the time the inbox and
 * the bulk approval took (target: the approval of 100 within 5 s on 2 cores), and how many decisions each run
 * recorded (target: exactly one each), read back from every run's result.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Command } from 'commander';
import { optionalTsToMs } from '@temporalio/common/lib/time';
import { buildApi } from '../../client/api/apiServer';
import { startGeneration } from '../../client/generations';
import type { InboxPage } from '../../client/reviewInbox';
import type { GenerateImageResult } from '../../common/runResult';
import { writeWorkflowBundle } from '../../workers/workflowBundle';
import { TEST_BUNDLE } from '../support/paths';
import { percentile } from '../perf/percentile';
import { startTestEnv } from '../support/testEnv';

async function main(): Promise<void> {
  const opts = new Command().option('--runs <n>', 'runs waiting for review', '100').parse().opts<{ runs: string }>();
  const count = Number(opts.runs);
  await writeWorkflowBundle(TEST_BUNDLE);
  const tenant = `bench-review-${randomUUID().slice(0, 8)}`;
  const token = `tok-bench-review-${randomUUID()}`;
  const env = await startTestEnv({ name: 'review-bench', env: { IMAGE_AGENT_API_TOKENS: `${token}:${tenant}:bench-reviewer:review` } });
  const api = buildApi({ client: env.client, config: env.config, store: env.store });
  try {
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
    // When each run accepted its decision (the server's clock, on this machine): how the 100 spread over the request.
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
    const at = (p: number) => (acceptedAfter.length ? `${(percentile(acceptedAfter, p) / 1000).toFixed(2)} s` : 'none');
    console.log('');
    console.log('| measure | figure |');
    console.log('| --- | --- |');
    console.log(`| runs waiting for review | ${count} |`);
    console.log(`| inbox, one page of ${inbox.entries.length} (GET /v1/reviews/inbox) | ${Math.round(inboxMs)} ms |`);
    console.log(`| inbox page as HTML, ${(html.match(/<section class="run"/g) ?? []).length} cards with status (GET /review) | ${Math.round(pageMs)} ms |`);
    console.log(
      `| bulk approval of ${body.runs.length} runs (POST /v1/reviews/bulk; target ≤ 5 s) | **${(bulkMs / 1000).toFixed(2)} s** (HTTP ${res.status}) |`,
    );
    console.log(`| decisions accepted by their runs, after the request: first, median, last | ${at(0)}, ${at(50)}, ${at(100)} |`);
    console.log(`| runs the bulk answer says were approved | ${answer.results.filter((r) => r.ok).length} of ${answer.results.length} |`);
    console.log(`| runs that recorded exactly one approval (target: all) | **${recorded.filter((n) => n === 1).length} of ${count}** |`);
    console.log(`| runs completed approved | ${results.filter((r) => r.approval === 'approved').length} of ${count} |`);
  } finally {
    await api.close();
    await env.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
