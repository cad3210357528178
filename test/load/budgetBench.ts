/**
 * `npm run bench:budget`: budgets under concurrency, on the local stack against the fake model server at $0.04
 * an image. For each of `fail` and `pause`, 50 runs start at once against a tenant's daily budget of $1.00;
 * under `pause` the budget is raised to $2.00 ($3.00 with kills) once the first 25 have been charged (resuming the runs paused at
 * their budget gate). Then both again with the workers as processes, the GPU worker SIGKILLed once renders are
 * in flight and the orchestration worker once ten are charged (each back a second later). Printed, never
 * asserted: runs completed and refused, what the ledger charged against the limit, the ledger against the sum
 * of the reports (and, with kills, of the failed runs' ledger lines), the reservations left open, and with kills
 * the vendor's image requests against the renders charged (a render cut short by a kill is charged in full).
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { queueHasPoller } from '../../infra/workerProcesses';
import { SpendLedger } from '../../providers/spend/spendLedger';
import { WorkerSupervisor } from '../soak/workerSupervisor';
import type { Pool } from 'pg';
import { createPool } from '../../providers/database';
import { tenantPolicies } from '../../client/tenantPolicies';
import { resumeBudgetGates } from '../../client/budgetGates';
import type { GenerateImageInput } from '../../common/request';
import type { GenerateImageResult, RunReport } from '../../common/runResult';
import { Tenant } from '../../common/searchAttributes';
import type { BudgetAction } from '../../common/tenantPolicy';
import { generateImage } from '../../workflows/generate/generateImage';
import { writeWorkflowBundle } from '../../workers/workflowBundle';
import { scriptAgentDefaults } from '../fakeOpenAI/agentDefaults';
import { FakeOpenAIServer } from '../fakeOpenAI/fakeOpenAIServer';
import { TEST_BUNDLE } from '../support/paths';
import { startTestEnv, type TestEnv } from '../support/testEnv';

const RUNS = 50;

async function charged(pool: Pool, tenant: string): Promise<{ settledUsd: number; settled: number; open: number }> {
  const { rows } = await pool.query<{ settled: string | null; n: string; open: string }>(
    `select sum(actual_usd) filter (where state = 'settled') as settled, count(*) filter (where state = 'settled') as n,
            count(*) filter (where state = 'reserved') as open from spend_reservations where tenant_id = $1`,
    [tenant],
  );
  return { settledUsd: Number(rows[0]?.settled ?? 0), settled: Number(rows[0]?.n ?? 0), open: Number(rows[0]?.open ?? 0) };
}

async function scenario(env: TestEnv, pool: Pool, action: BudgetAction, kills?: { supervisor: WorkerSupervisor; fake: FakeOpenAIServer }): Promise<string> {
  const tenant = `bench-budget-${action}-${randomUUID().slice(0, 6)}`;
  await tenantPolicies(env.config).change(tenant, { budgets: { dailyUsd: 1, onExceeded: action } }, 'bench');
  const started = Date.now();
  const runs = Array.from({ length: RUNS }, (_, i) => {
    const input: GenerateImageInput = {
      request: `a product shot, variant ${i}`,
      tenantId: tenant,
      userId: `u${i % 5}`,
      options: { size: '128x128', maxRounds: 1 },
    };
    return env.client.workflow.execute(generateImage, {
      taskQueue: env.taskQueue,
      workflowId: `bench-budget-${tenant}-${i}`,
      args: [input],
      typedSearchAttributes: [{ key: Tenant, value: tenant }],
    });
  });
  const rendersBefore = kills?.fake.requestsFor('images.generate').length ?? 0;
  const killing = kills
    ? (async () => {
        while (kills.fake.requestsFor('images.generate').length - rendersBefore < 3) await new Promise((r) => setTimeout(r, 100));
        await kills.supervisor.kill('gpuWorker', 1000);
        while ((await charged(pool, tenant)).settled < 10) await new Promise((r) => setTimeout(r, 200));
        await kills.supervisor.kill('orchestrationWorker', 1000);
      })()
    : Promise.resolve();
  if (action === 'pause') {
    // The paused renders wait; an admin raises the budget once the first $1.00 is charged.
    while ((await charged(pool, tenant)).settled < 25) await new Promise((r) => setTimeout(r, 500));
    await new Promise((r) => setTimeout(r, 2000));
    // With kills, renders cut short are charged in full: room for them too, or some runs would wait at the gate.
    await tenantPolicies(env.config).change(tenant, { budgets: { dailyUsd: kills ? 3 : 2 } }, 'bench-admin');
    // As `budget set` does: the runs paused at their budget gate go on now.
    await resumeBudgetGates(env.client, tenant, 'bench-admin');
  }
  const settled = await Promise.allSettled(runs);
  await killing;
  const done = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value as GenerateImageResult] : []));
  const reports = await Promise.all(done.map((r) => env.store.getJson<RunReport>(r.reportKey!)));
  const ledger = await charged(pool, tenant);
  // A failed run's charges are in no report: with kills, a render cut short and then refused is one.
  const spendLedger = new SpendLedger(pool);
  const failedIds = settled.flatMap((s, i) => (s.status === 'rejected' ? [`bench-budget-${tenant}-${i}`] : []));
  const failedSpend = (await Promise.all(failedIds.map((id) => spendLedger.runSpend(tenant, id)))).reduce((sum, s) => sum + s.settledUsd, 0);
  const reported = reports.reduce((sum, r) => sum + (r.spend?.settledUsd ?? 0), 0) + failedSpend;
  const limit = action === 'pause' ? `$1.00, raised to $${kills ? '3' : '2'}.00` : '$1.00';
  const vendor = kills ? `${kills.fake.requestsFor('images.generate').length - rendersBefore} requests, ${ledger.settled} charged` : '—';
  return `| ${action}${kills ? ', workers SIGKILLed' : ''} | ${done.length} completed, ${RUNS - done.length} failed | $${ledger.settledUsd.toFixed(2)} of ${limit} | $${reported.toFixed(2)} (${Math.abs(reported - ledger.settledUsd) < 1e-9 ? 'equal' : 'DIFFERENT'}) | ${ledger.open} | ${vendor} | ${((Date.now() - started) / 1000).toFixed(0)} s |`;
}

async function main(): Promise<void> {
  await writeWorkflowBundle(TEST_BUNDLE);
  const fake = await new FakeOpenAIServer().start();
  fake.baseLatencyMs['images.generate'] = 150;
  scriptAgentDefaults(fake);
  const workerEnv = {
    IMAGE_AGENT_PRICES: JSON.stringify({ 'gpt-image-1': { perImage: 0.04 } }),
    IMAGE_AGENT_TENANT_POLICY_CACHE_SECONDS: '0',
  };
  const env = await startTestEnv({ name: 'budget-bench', fake, env: workerEnv });
  const pool = createPool(env.config.databaseUrl, 2);
  const rows: string[] = [];
  try {
    rows.push(await scenario(env, pool, 'fail'), await scenario(env, pool, 'pause'));
  } finally {
    await env.stop();
  }
  // The same with the workers as processes the bench SIGKILLs; renders slower, so a kill finds some in flight.
  const slow = await new FakeOpenAIServer().start();
  slow.baseLatencyMs['images.generate'] = 1000;
  scriptAgentDefaults(slow);
  const queue = `bench-budget-kills-${randomUUID().slice(0, 8)}`;
  const processEnv = {
    ...workerEnv,
    IMAGE_AGENT_TASK_QUEUE: queue,
    IMAGE_AGENT_PROVIDERS: 'openai',
    OPENAI_BASE_URL: slow.baseURL,
    OPENAI_API_KEY: 'sk-test-fake-key',
  };
  const killed = await startTestEnv({ name: 'budget-bench-kills', workers: false, fake: slow, env: processEnv, taskQueue: queue });
  const supervisor = new WorkerSupervisor(processEnv, path.join(os.tmpdir(), `bench-budget-kills-${randomUUID().slice(0, 6)}`));
  try {
    supervisor.start();
    while (!(await queueHasPoller(killed.config, queue, 'workflow').catch(() => false))) await new Promise((r) => setTimeout(r, 500));
    rows.push(await scenario(killed, pool, 'fail', { supervisor, fake: slow }), await scenario(killed, pool, 'pause', { supervisor, fake: slow }));
    console.log('');
    console.log(`${RUNS} runs at once, one $0.04 image each, against a daily budget of $1.00:`);
    console.log('');
    console.log('| past the budget | runs | charged by the ledger | sum of the reports | reservations left open | vendor image requests | took |');
    console.log('| --- | --- | --- | --- | --- | --- | --- |');
    for (const row of rows) console.log(row);
  } finally {
    await supervisor.stop();
    await pool.end();
    await killed.stop();
    await slow.stop();
    await fake.stop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`bench:budget failed: ${(err as Error).stack ?? String(err)}`);
    process.exit(1);
  },
);
