/**
 * Budgets that cannot be overspent (providers/spend/), on the real stack against the fake model server with a
 * price of $0.04 an image: 50 runs at once against a tenant's daily budget of $1.00 charge at most $1.00, the
 * ledger equals the sum of the reports, every reservation is closed, and the runs refused fail naming the
 * budget. Under `pause` a refused render waits at the run's budget gate, and goes on once an admin raises the
 * budget, or fails when an admin stops it.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startBatch } from '../client/batches';
import type { BatchResult } from '../common/batch';
import type { Pool } from 'pg';
import { createPool } from '../providers/database';
import { WorkflowFailedError } from '@temporalio/client';
import { generationStatus } from '../client/generations';
import { pausedRuns } from '../client/budgetGates';
import { tenantPolicies } from '../client/tenantPolicies';
import { runCli } from './support/cli';
import { listenApi } from './support/inProcessApi';
import type { GenerateImageInput } from '../common/request';
import { Stage, Tenant } from '../common/searchAttributes';
import type { GenerateImageResult, RunReport } from '../common/runResult';
import { generateImage } from '../workflows/generate/generateImage';
import { scriptAgentDefaults } from './fakeOpenAI/agentDefaults';
import { FakeOpenAIServer } from './fakeOpenAI/fakeOpenAIServer';
import { eventually } from './support/eventually';
import { startTestEnv, type TestEnv } from './support/testEnv';

const PRICES = JSON.stringify({ 'gpt-image-1': { perImage: 0.04 } });

describe('budgets that cannot be overspent', () => {
  let fake: FakeOpenAIServer;
  let env: TestEnv;
  let pool: Pool;
  const failTenant = `budget-fail-${randomUUID().slice(0, 6)}`;
  const pauseTenant = `budget-pause-${randomUUID().slice(0, 6)}`;
  const AUDITOR = `tok-budget-audit-${randomUUID()}`;
  const OUTSIDER = `tok-budget-other-${randomUUID()}`;
  const PAUSE_ADMIN = `tok-budget-admin-${randomUUID()}`;
  const PAUSE_REVIEWER = `tok-budget-review-${randomUUID()}`;
  const OTHER_ADMIN = `tok-budget-other-admin-${randomUUID()}`;

  beforeAll(async () => {
    fake = await new FakeOpenAIServer().start();
    scriptAgentDefaults(fake);
    env = await startTestEnv({
      name: 'budget',
      fake,
      env: {
        IMAGE_AGENT_PRICES: PRICES,
        IMAGE_AGENT_TENANT_POLICY_CACHE_SECONDS: '0',
        IMAGE_AGENT_API_TOKENS: [
          `${AUDITOR}:${failTenant}:aud:audit`,
          `${OUTSIDER}:budget-outsider:oli:audit`,
          `${PAUSE_ADMIN}:${pauseTenant}:ada:admin`,
          `${PAUSE_REVIEWER}:${pauseTenant}:rev:review+audit`,
          `${OTHER_ADMIN}:budget-outsider:oadmin:admin`,
        ].join(','),
      },
    });
    pool = createPool(env.config.databaseUrl, 2);
  });
  afterAll(async () => {
    await pool?.end();
    await env?.stop();
    await fake?.stop();
  });

  const run = (tenantId: string, i: number, options: GenerateImageInput['options'] = {}) => {
    const workflowId = `budget-${tenantId}-${i}-${randomUUID().slice(0, 6)}`;
    const input: GenerateImageInput = {
      request: `a product shot, variant ${i}`,
      tenantId,
      userId: `user-${i % 3}`,
      options: { size: '256x256', maxRounds: 1, ...options },
    };
    // Its tenant attribute, as every start path sets it: status reads the run's tenant from there.
    const typedSearchAttributes = [{ key: Tenant, value: tenantId }];
    return { workflowId, result: env.client.workflow.execute(generateImage, { taskQueue: env.taskQueue, workflowId, args: [input], typedSearchAttributes }) };
  };

  const ledger = async (tenant: string) => {
    const { rows } = await pool.query<{ state: string; n: string; actual: string | null }>(
      'select state, count(*) as n, sum(actual_usd) as actual from spend_reservations where tenant_id = $1 group by state',
      [tenant],
    );
    return Object.fromEntries(rows.map((r) => [r.state, { n: Number(r.n), usd: Number(r.actual ?? 0) }]));
  };

  test('50 runs at once against $1.00 at $0.04 an image: at most $1.00 charged, the ledger equals the reports, the rest fail naming the budget', async () => {
    const tenant = failTenant;
    await tenantPolicies(env.config).change(tenant, { budgets: { dailyUsd: 1, onExceeded: 'fail' } }, 'test');
    const runs = Array.from({ length: 50 }, (_, i) => run(tenant, i));
    const settled = await Promise.allSettled(runs.map((r) => r.result));
    const completed = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value as GenerateImageResult] : []));
    const failed = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as unknown] : []));

    const entries = await ledger(tenant);
    expect(entries.reserved).toBeUndefined(); // nothing left open
    const charged = entries.settled?.usd ?? 0;
    expect(charged).toBeLessThanOrEqual(1 + 1e-9);
    expect(charged).toBeCloseTo(0.04 * completed.length, 6);
    expect(completed.length).toBe(25); // exactly what fits: the budget is used, never overshot
    const reports = await Promise.all(completed.map((r) => env.store.getJson<RunReport>(r.reportKey!)));
    expect(reports.reduce((sum, r) => sum + (r.spend?.settledUsd ?? 0), 0)).toBeCloseTo(charged, 6);
    for (const err of failed) {
      expect(err).toBeInstanceOf(WorkflowFailedError);
      expect(JSON.stringify((err as WorkflowFailedError).cause?.cause ?? (err as WorkflowFailedError).cause)).toMatch(
        /the tenant's daily budget \(\d{4}-\d\d-\d\d\) of \$1\.00/,
      );
    }
    const counter = await pool.query<{ committed_usd: string; limit_usd: string }>(`select committed_usd, limit_usd from spend_counters where key like $1`, [
      `tenant:${tenant}:day:%`,
    ]);
    expect(Number(counter.rows[0]!.committed_usd)).toBeCloseTo(charged, 6);

    // Visible: a run's status, the CLI, and the tenant's auditors over the API; another tenant sees none of it.
    const g = { client: env.client, config: env.config, store: env.store };
    const day = new Date().toISOString().slice(0, 10);
    const doneId = runs[settled.findIndex((x) => x.status === 'fulfilled')]!.workflowId;
    expect((await generationStatus(g, doneId)).spend).toMatchObject({
      settledUsd: 0.04,
      reservedUsd: 0,
      // Against each budget its calls count against: the tenant's day is full, the others have no limit.
      budgets: expect.arrayContaining([
        { budget: `the tenant's daily budget (${day})`, committedUsd: 1, limitUsd: 1 },
        { budget: `the tenant's monthly budget (${day.slice(0, 7)})`, committedUsd: 1 },
        { budget: "the run's budget", committedUsd: 0.04 },
      ]),
    });
    expect(reports[0]!.spend?.budgets).toContainEqual(expect.objectContaining({ budget: `the tenant's daily budget (${day})`, limitUsd: 1 }));
    expect((await runCli(['status', doneId], { IMAGE_AGENT_PRICES: PRICES })).stdout).toContain(`the tenant's daily budget (${day}): $1.0000 of $1.00`);
    const cli = await runCli(['budget', 'show', '--tenant', tenant]);
    expect(cli.stdout).toMatch(new RegExp(`tenant \\d{4}-\\d\\d-\\d\\d\\s+\\$1\\.0000 of \\$1\\.0000 \\(100%\\)`));
    expect(cli.stdout).toContain('in flight  0 calls');
    const api = await listenApi(env);
    try {
      const mine = await api.call('GET', '/v1/tenant/budget', AUDITOR);
      expect(mine.status).toBe(200);
      expect(mine.body).toMatchObject({ tenantId: tenant, budgets: { dailyUsd: 1, onExceeded: 'fail' }, inFlight: { calls: 0 } });
      expect(mine.body.lines).toContainEqual(expect.objectContaining({ committedUsd: 1, limitUsd: 1 }));
      const theirs = await api.call('GET', '/v1/tenant/budget', OUTSIDER);
      expect(theirs.body).toMatchObject({ tenantId: 'budget-outsider', lines: [], budgets: null });
    } finally {
      await api.close();
    }
  }, 300_000);

  test('a request can only lower its run’s budget; under pause a refused call waits at the run’s budget gate until an admin raises the budget or stops the run', async () => {
    const tenant = pauseTenant;
    const g = { client: env.client, config: env.config, store: env.store };
    await tenantPolicies(env.config).change(tenant, { budgets: { dailyUsd: 0.04, onExceeded: 'pause' } }, 'test');
    const lowered = run(tenant, 0, { budgetUsd: 0.01 });
    // Its own budget is below one image: refused, and failed at once (nobody raises a run's own budget).
    await expect(lowered.result).rejects.toBeInstanceOf(WorkflowFailedError);
    const first = await run(tenant, 1).result;
    expect(first.outcome).toBe('completed');

    // The daily budget is spent: the second run's render is refused once, and the run waits at its gate.
    const second = run(tenant, 2);
    const gate = await eventually(async () => {
      const s = await generationStatus(g, second.workflowId);
      expect(s.stage).toBe('budget_paused');
      return s.budgetGate!;
    }, 30_000);
    expect(gate).toMatchObject({ budget: expect.stringMatching(/^the tenant's daily budget/), activity: 'renderImage' });
    expect(gate.message).toMatch(/has \$0\.0000 left, and this gpt-image-1 call may cost \$0\.0400/);
    const waiting = await env.client.workflow.getHandle(second.workflowId).describe();
    expect(waiting.typedSearchAttributes.get(Stage)).toBe('budget_paused');
    // Not retried by Temporal while it waits: one failed attempt in the history, nothing reserved for it.
    const failedRenders = ((await env.client.workflow.getHandle(second.workflowId).fetchHistory()).events ?? []).filter(
      (e) => e.activityTaskFailedEventAttributes?.failure?.applicationFailureInfo?.type === 'BudgetPaused',
    );
    expect(failedRenders).toHaveLength(1);
    expect((await ledger(tenant)).settled?.n).toBe(1);

    const api = await listenApi(env);
    try {
      // Another tenant's admin cannot see or decide it; a reviewer of the tenant is not an admin; bad input is refused.
      expect((await api.call('POST', `/v1/generations/${second.workflowId}/budget-gate`, OTHER_ADMIN, { decision: 'resume' })).status).toBe(404);
      expect((await api.call('POST', `/v1/generations/${second.workflowId}/budget-gate`, PAUSE_REVIEWER, { decision: 'resume' })).status).toBe(403);
      expect((await api.call('POST', `/v1/generations/${second.workflowId}/budget-gate`, PAUSE_ADMIN, { decision: 'approve' })).status).toBe(400);
      const notWaiting = await api.call('POST', `/v1/generations/${lowered.workflowId}/budget-gate`, PAUSE_ADMIN, { decision: 'resume' });
      expect(notWaiting.status).toBe(409);
      expect(await pausedRuns(env.client, 'budget-outsider')).toEqual([]);
      expect((await pausedRuns(env.client, tenant)).map((p) => p.workflowId)).toEqual([second.workflowId]);

      // An admin raises the budget: the paused run is resumed with the change, and completes.
      const raised = await api.call('POST', '/v1/tenant/policy', PAUSE_ADMIN, { budgets: { dailyUsd: 0.08 } });
      expect(raised.status).toBe(200);
      expect(raised.body).toMatchObject({ resumedPausedRuns: 1 });
      expect((await second.result).outcome).toBe('completed');
      expect((await ledger(tenant)).settled).toEqual({ n: 2, usd: 0.08 });
      const after = await env.client.workflow.getHandle(second.workflowId).describe();
      expect(after.typedSearchAttributes.get(Stage)).toBe('completed');
      expect(after.memo?.budgetGate).toBeUndefined();

      // Spent again: the third run pauses, and the operator stops it; it fails naming the budget and who stopped it.
      const third = run(tenant, 3);
      await eventually(async () => expect((await generationStatus(g, third.workflowId)).stage).toBe('budget_paused'), 30_000);
      const stop = await runCli(['budget', 'stop', third.workflowId, '--by', 'ops', '--reason', 'month end']);
      expect(stop.stdout).toContain(`${third.workflowId}: stopped (1 call(s) were waiting)`);
      const failure = await third.result.then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(failure).toBeInstanceOf(WorkflowFailedError);
      expect(JSON.stringify((failure as WorkflowFailedError).cause?.cause)).toMatch(
        /the tenant's daily budget \(\d{4}-\d\d-\d\d\) of \$0\.08.*operator-ops stopped the run at its budget gate: month end/,
      );
      expect((await ledger(tenant)).settled).toEqual({ n: 2, usd: 0.08 });
      expect((await ledger(tenant)).reserved).toBeUndefined();
    } finally {
      await api.close();
    }
  }, 240_000);

  test('a batch’s budget: its cases stop at it, and the batch report shows the spend', async () => {
    const tenant = `budget-batch-${randomUUID().slice(0, 6)}`;
    await tenantPolicies(env.config).change(tenant, { budgets: { batchUsd: 0.08, onExceeded: 'fail' } }, 'test');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'budget-batch-'));
    const jsonl = path.join(dir, 'three.jsonl');
    fs.writeFileSync(jsonl, [0, 1, 2].map((i) => JSON.stringify({ id: `item-${i}`, request: `a product shot, variant ${i}`, size: '128x128' })).join('\n'));
    const g = { client: env.client, config: env.config, store: env.store };
    const started = await startBatch(g, [jsonl], { tenantId: tenant, system: 'budget test', concurrency: 1 });
    const result = (await env.client.workflow.getHandle(started.workflowId).result()) as BatchResult;
    fs.rmSync(dir, { recursive: true, force: true });
    const report = await env.store.getJson<{ spend?: unknown; cases: { status: string; error?: string }[] }>(result.report.json);
    expect(report.spend).toEqual({ settledUsd: 0.08, reservedUsd: 0, calls: 2, limitUsd: 0.08 });
    expect(report.cases.map((c) => c.status).sort()).toEqual(['done', 'done', 'generation_failed']);
    expect(report.cases.find((c) => c.status === 'generation_failed')!.error).toMatch(/batch \S+'s budget of \$0\.08/);
    expect((await env.store.get(result.report.markdown)).toString()).toContain('$0.0800 charged for 2 paid calls, of a batch budget of $0.08');
  }, 180_000);
});
