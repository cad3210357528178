/**
 * Budgets that cannot be overspent (providers/spend/), on the real stack against the fake model server with a
 * price of $0.04 an image: 50 runs at once against a tenant's daily budget of $1.00 charge at most $1.00, the
 * ledger equals the sum of the reports, every reservation is closed, and the runs refused fail naming the
 * budget. Under `pause` a refused render waits, and runs once an admin raises the budget.
 */
import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { createPool } from '../providers/database';
import { WorkflowFailedError } from '@temporalio/client';
import { generationStatus } from '../client/generations';
import { tenantPolicies } from '../client/tenantPolicies';
import { runCli } from './support/cli';
import { listenApi } from './support/inProcessApi';
import type { GenerateImageInput } from '../common/request';
import { Tenant } from '../common/searchAttributes';
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
  const AUDITOR = `tok-budget-audit-${randomUUID()}`;
  const OUTSIDER = `tok-budget-other-${randomUUID()}`;

  beforeAll(async () => {
    fake = await new FakeOpenAIServer().start();
    scriptAgentDefaults(fake);
    env = await startTestEnv({
      name: 'budget',
      fake,
      env: {
        IMAGE_AGENT_PRICES: PRICES,
        IMAGE_AGENT_TENANT_POLICY_CACHE_SECONDS: '0',
        IMAGE_AGENT_API_TOKENS: `${AUDITOR}:${failTenant}:aud:audit,${OUTSIDER}:budget-outsider:oli:audit`,
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
    expect((await generationStatus(g, runs[settled.findIndex((x) => x.status === 'fulfilled')]!.workflowId)).spend).toMatchObject({
      settledUsd: 0.04,
      reservedUsd: 0,
    });
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

  test('a request can only lower its run’s budget; under pause a refused render waits until an admin raises the budget', async () => {
    const tenant = `budget-pause-${randomUUID().slice(0, 6)}`;
    await tenantPolicies(env.config).change(tenant, { budgets: { dailyUsd: 0.04, onExceeded: 'pause' } }, 'test');
    const lowered = run(tenant, 0, { budgetUsd: 0.01 });
    // Its own budget is below one image: refused, and failed at once (nobody raises a run's own budget).
    await expect(lowered.result).rejects.toBeInstanceOf(WorkflowFailedError);
    const first = await run(tenant, 1).result;
    expect(first.outcome).toBe('completed');
    const second = run(tenant, 2);
    // The daily budget is spent: the second render waits, retrying.
    await eventually(async () => expect((await ledger(tenant)).settled?.n).toBe(1), 20_000);
    await new Promise((r) => setTimeout(r, 3000));
    expect(await env.client.workflow.getHandle(second.workflowId).describe()).toMatchObject({ status: { name: 'RUNNING' } });
    await tenantPolicies(env.config).change(tenant, { budgets: { dailyUsd: 0.08 } }, 'admin');
    expect((await second.result).outcome).toBe('completed');
    expect((await ledger(tenant)).settled).toEqual({ n: 2, usd: 0.08 });
  }, 180_000);
});
