/**
 * Budgets through worker crashes (providers/spend/, workflows/budgetGate.ts): the orchestration and GPU workers
 * run as their own processes and are SIGKILLed while priced renders are in flight. Under `fail`, 20 runs
 * against $0.40 at $0.04 an image never charge more than the budget; no reservation stays open; the ledger
 * equals what the reports (and the failed runs' ledger lines) say; the vendor is never called for a render
 * the ledger did not charge. Under `pause`, runs waiting at their budget gate survive an orchestration
 * worker's SIGKILL and go on when the budget is raised.
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import type { Pool } from 'pg';
import { WorkflowFailedError } from '@temporalio/client';
import { pausedRuns, resumeBudgetGates } from '../client/budgetGates';
import { tenantPolicies } from '../client/tenantPolicies';
import type { GenerateImageInput } from '../common/request';
import type { GenerateImageResult, RunReport } from '../common/runResult';
import { Tenant } from '../common/searchAttributes';
import { queueHasPoller } from '../infra/workerProcesses';
import { createPool } from '../providers/database';
import { SpendLedger } from '../providers/spend/spendLedger';
import { generateImage } from '../workflows/generate/generateImage';
import { scriptAgentDefaults } from './fakeOpenAI/agentDefaults';
import { FakeOpenAIServer } from './fakeOpenAI/fakeOpenAIServer';
import { WorkerSupervisor } from './soak/workerSupervisor';
import { eventually } from './support/eventually';
import { startTestEnv, type TestEnv } from './support/testEnv';

const PRICE = 0.04;

describe('budgets through SIGKILLed workers', () => {
  let fake: FakeOpenAIServer;
  let env: TestEnv;
  let pool: Pool;
  let supervisor: WorkerSupervisor;
  const queue = `test-budget-kills-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    fake = await new FakeOpenAIServer().start();
    // Renders long enough for a SIGKILL to land in the middle of some.
    fake.baseLatencyMs['images.generate'] = 1500;
    scriptAgentDefaults(fake);
    const workerEnv = {
      IMAGE_AGENT_TASK_QUEUE: queue,
      IMAGE_AGENT_PROVIDERS: 'openai',
      OPENAI_BASE_URL: fake.baseURL,
      OPENAI_API_KEY: 'sk-test-fake-key',
      IMAGE_AGENT_PRICES: JSON.stringify({ 'gpt-image-1': { perImage: PRICE } }),
      IMAGE_AGENT_TENANT_POLICY_CACHE_SECONDS: '0',
    };
    env = await startTestEnv({ name: 'budget-kills', workers: false, fake, env: workerEnv, taskQueue: queue });
    pool = createPool(env.config.databaseUrl, 2);
    supervisor = new WorkerSupervisor(workerEnv, path.join(os.tmpdir(), `budget-kills-${randomUUID().slice(0, 6)}`));
    supervisor.start();
    await eventually(async () => expect(await queueHasPoller(env.config, queue, 'workflow')).toBe(true), 60_000, 500);
  }, 120_000);
  afterAll(async () => {
    await supervisor?.stop();
    await pool?.end();
    await env?.stop();
    await fake?.stop();
  });

  const run = (tenantId: string, i: number) => {
    const workflowId = `budget-kills-${tenantId}-${i}`;
    const input: GenerateImageInput = { request: `a product shot, variant ${i}`, tenantId, userId: `u${i % 4}`, options: { size: '128x128', maxRounds: 1 } };
    const typedSearchAttributes = [{ key: Tenant, value: tenantId }];
    return { workflowId, result: env.client.workflow.execute(generateImage, { taskQueue: queue, workflowId, args: [input], typedSearchAttributes }) };
  };

  const ledger = async (tenant: string) => {
    const { rows } = await pool.query<{ settled: string | null; n: string; open: string }>(
      `select sum(actual_usd) filter (where state = 'settled') as settled, count(*) filter (where state = 'settled' and actual_usd > 0) as n,
              count(*) filter (where state = 'reserved') as open from spend_reservations where tenant_id = $1`,
      [tenant],
    );
    return { settledUsd: Number(rows[0]?.settled ?? 0), charged: Number(rows[0]?.n ?? 0), open: Number(rows[0]?.open ?? 0) };
  };

  test('under fail: 20 runs against $0.40 with both workers SIGKILLed mid-render charge at most $0.40, leave nothing open, and match the reports', async () => {
    const tenant = `kills-fail-${randomUUID().slice(0, 6)}`;
    await tenantPolicies(env.config).change(tenant, { budgets: { dailyUsd: 0.4, onExceeded: 'fail' } }, 'test');
    const rendersBefore = fake.requestsFor('images.generate').length;
    const runs = Array.from({ length: 20 }, (_, i) => run(tenant, i));
    // A GPU worker dies with renders in flight, then the orchestration worker with runs mid-way; each restarts in a second.
    await eventually(async () => expect(fake.requestsFor('images.generate').length - rendersBefore).toBeGreaterThanOrEqual(2), 60_000, 100);
    await supervisor.kill('gpuWorker', 1000);
    await eventually(async () => expect((await ledger(tenant)).charged).toBeGreaterThanOrEqual(3), 120_000, 200);
    await supervisor.kill('orchestrationWorker', 1000);
    const settled = await Promise.allSettled(runs.map((r) => r.result));

    const completed = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value as GenerateImageResult] : []));
    const failedIds = runs.filter((_, i) => settled[i]!.status === 'rejected').map((r) => r.workflowId);
    for (const s of settled)
      if (s.status === 'rejected') {
        expect(s.reason).toBeInstanceOf(WorkflowFailedError);
        expect(JSON.stringify((s.reason as WorkflowFailedError).cause?.cause)).toMatch(/the tenant's daily budget \(\d{4}-\d\d-\d\d\) of \$0\.40/);
      }
    expect(completed.length).toBeGreaterThan(0);
    expect(completed.length).toBeLessThanOrEqual(10);

    const l = await ledger(tenant);
    expect(l.open).toBe(0); // no reservation left unsettled
    expect(l.settledUsd).toBeLessThanOrEqual(0.4 + 1e-9);
    // The vendor was never called for a render the ledger did not charge (a crash may charge one it never made).
    expect(fake.requestsFor('images.generate').length - rendersBefore).toBeLessThanOrEqual(l.charged);
    const reports = await Promise.all(completed.map((r) => env.store.getJson<RunReport>(r.reportKey!)));
    const spendLedger = new SpendLedger(pool);
    const failedSpend = await Promise.all(failedIds.map((id) => spendLedger.runSpend(tenant, id)));
    const accounted = reports.reduce((sum, r) => sum + (r.spend?.settledUsd ?? 0), 0) + failedSpend.reduce((sum, s) => sum + s.settledUsd, 0);
    expect(accounted).toBeCloseTo(l.settledUsd, 9);
    const counter = await pool.query<{ committed_usd: string }>(`select committed_usd from spend_counters where key like $1`, [`tenant:${tenant}:day:%`]);
    expect(Number(counter.rows[0]!.committed_usd)).toBeCloseTo(l.settledUsd, 9);
    expect(supervisor.kills).toEqual({ orchestrationWorker: 1, gpuWorker: 1 });
    // The GPU worker's death cut renders short: their next attempt settled the dead one's reservation (charged in
    // full: the vendor had the request) and reserved anew, or was refused for lack of room.
    const retriedRenders = await Promise.all(
      runs.map(async (r) => {
        const events = (await env.client.workflow.getHandle(r.workflowId).fetchHistory()).events ?? [];
        return events.filter((e) => (e.activityTaskStartedEventAttributes?.attempt ?? 1) > 1).length;
      }),
    );
    expect(retriedRenders.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  }, 300_000);

  test('under pause: runs at their budget gate survive an orchestration worker SIGKILL and complete once the budget is raised', async () => {
    const tenant = `kills-pause-${randomUUID().slice(0, 6)}`;
    await tenantPolicies(env.config).change(tenant, { budgets: { dailyUsd: 3 * PRICE, onExceeded: 'pause' } }, 'test');
    const runs = Array.from({ length: 6 }, (_, i) => run(tenant, i));
    await eventually(async () => expect(await pausedRuns(env.client, tenant)).toHaveLength(3), 120_000, 500);
    await supervisor.kill('orchestrationWorker', 1000);
    await eventually(async () => expect(await queueHasPoller(env.config, queue, 'workflow')).toBe(true), 60_000, 500);
    await tenantPolicies(env.config).change(tenant, { budgets: { dailyUsd: 6 * PRICE } }, 'admin');
    expect((await resumeBudgetGates(env.client, tenant, 'admin')).resumed).toHaveLength(3);
    const results = await Promise.all(runs.map((r) => r.result));
    expect(results.map((r) => r.outcome)).toEqual(Array(6).fill('completed'));
    const l = await ledger(tenant);
    expect(l).toEqual({ settledUsd: expect.closeTo(6 * PRICE, 9), charged: 6, open: 0 });
  }, 300_000);
});
