/**
 * Budget warnings (providers/spend/spendLedger.ts queues them, workers/budgetAlertSender.ts sends them): the
 * reservation that takes a tenant's daily budget past its soft limit queues one warning in its own
 * transaction; the orchestration worker delivers it to the tenant's alertWebhookUrl, signed, retrying a
 * receiver that failed, exactly once per budget and limit. A URL to a private address is refused at the edge,
 * and the tenant's other principals see only the URL's origin.
 */
import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { signWebhook } from '../activities/deliverWebhook';
import { tenantPolicies } from '../client/tenantPolicies';
import type { GenerateImageInput } from '../common/request';
import { Tenant } from '../common/searchAttributes';
import { createPool } from '../providers/database';
import { generateImage } from '../workflows/generate/generateImage';
import { scriptAgentDefaults } from './fakeOpenAI/agentDefaults';
import { FakeOpenAIServer } from './fakeOpenAI/fakeOpenAIServer';
import { WebhookReceiver } from './soak/webhookReceiver';
import { eventually } from './support/eventually';
import { listenApi } from './support/inProcessApi';
import { startTestEnv, type TestEnv } from './support/testEnv';

const SECRET = `whsec-${randomUUID()}`;

describe('budget warnings to the tenant’s webhook', () => {
  let fake: FakeOpenAIServer;
  let receiver: WebhookReceiver;
  let env: TestEnv;
  let pool: Pool;
  const tenant = `alerts-${randomUUID().slice(0, 6)}`;
  const AUDITOR = `tok-alerts-audit-${randomUUID()}`;

  beforeAll(async () => {
    fake = await new FakeOpenAIServer().start();
    scriptAgentDefaults(fake);
    // Down at first: every delivery is answered 503.
    receiver = await new WebhookReceiver(1).start();
    env = await startTestEnv({
      name: 'budget-alerts',
      fake,
      env: {
        IMAGE_AGENT_PRICES: JSON.stringify({ 'gpt-image-1': { perImage: 0.04 } }),
        IMAGE_AGENT_TENANT_POLICY_CACHE_SECONDS: '0',
        IMAGE_AGENT_WEBHOOK_SECRET: SECRET,
        WEBHOOK_ALLOW_HOSTS: receiver.hostPort,
        IMAGE_AGENT_API_TOKENS: `${AUDITOR}:${tenant}:aud:audit`,
      },
    });
    pool = createPool(env.config.databaseUrl, 2);
  });
  afterAll(async () => {
    await pool?.end();
    await env?.stop();
    await receiver?.stop();
    await fake?.stop();
  });

  const run = (i: number) => {
    const input: GenerateImageInput = { request: `a product shot, variant ${i}`, tenantId: tenant, userId: 'ana', options: { size: '128x128', maxRounds: 1 } };
    return env.client.workflow.execute(generateImage, {
      taskQueue: env.taskQueue,
      workflowId: `alerts-${tenant}-${i}`,
      args: [input],
      typedSearchAttributes: [{ key: Tenant, value: tenant }],
    });
  };

  test('crossing the soft limit sends one signed warning, retried past a failing receiver; the URL is checked and shown only as its origin', async () => {
    const policies = tenantPolicies(env.config);
    // Bad input: a private address, and a URL that is not http(s), are refused naming the field.
    await expect(policies.change(tenant, { budgets: { alertWebhookUrl: 'http://169.254.169.254/latest' } }, 'test')).rejects.toThrow(
      /budgets\.alertWebhookUrl: http:\/\/169\.254\.169\.254 is a link-local address/,
    );
    await expect(policies.change(tenant, { budgets: { alertWebhookUrl: 'ftp://example.com/x' } }, 'test')).rejects.toThrow(
      /alertWebhookUrl must be an http\(s\) URL/,
    );

    const url = `${receiver.url}?token=secret-${randomUUID()}`;
    await policies.change(tenant, { budgets: { dailyUsd: 0.2, softLimitPercent: 35, alertWebhookUrl: url } }, 'test');
    await run(1); // $0.04 of $0.20: under the warning share ($0.07)
    await run(2); // $0.08: past 35 %
    // The receiver refuses the first attempt (503); it is back for the retry, 5 s later.
    await eventually(async () => {
      const { rows } = await pool.query<{ last_error: string | null }>('select last_error from budget_alerts where tenant_id = $1', [tenant]);
      expect(rows).toEqual([{ last_error: 'receiver answered HTTP 503' }]);
    }, 30_000);
    receiver.failEvery = Number.MAX_SAFE_INTEGER;
    await run(3); // past it already: no second warning
    const warning = await eventually(
      async () => {
        const found = receiver.deliveries.filter((d) => d.event === 'budget_soft_limit');
        expect(found).toHaveLength(1);
        return found[0]!;
      },
      60_000,
      250,
    );
    const body = JSON.parse(warning.body) as Record<string, unknown>;
    const day = new Date().toISOString().slice(0, 10);
    expect(body).toMatchObject({
      tenantId: tenant,
      budget: `the tenant's daily budget (${day})`,
      limitUsd: 0.2,
      committedUsd: 0.08,
      percent: 35,
      idempotencyKey: `tenant:${tenant}:day:${day}@0.2`,
    });
    expect(warning.signature).toBe(signWebhook(SECRET, warning.timestamp, warning.body));
    const { rows } = await pool.query<{ attempts: number; delivered: boolean }>(
      'select attempts, delivered_at is not null as delivered from budget_alerts where tenant_id = $1',
      [tenant],
    );
    expect(rows).toEqual([{ attempts: 2, delivered: true }]); // the 503, then the delivery
    await new Promise((r) => setTimeout(r, 6000)); // a pass or more later: nothing sent again
    expect(receiver.deliveries.filter((d) => d.event === 'budget_soft_limit')).toHaveLength(1);

    // The tenant's auditor reads the policy and the budget, and sees the receiver's origin, never its path or token.
    const api = await listenApi(env);
    try {
      for (const path of ['/v1/tenant/policy', '/v1/tenant/budget', '/v1/tenant/policy/changes']) {
        const answer = await api.call('GET', path, AUDITOR);
        expect(answer.status).toBe(200);
        const text = JSON.stringify(answer.body);
        expect(text).toContain(`"alertWebhookUrl":"http://${receiver.hostPort}/…"`);
        expect(text).not.toContain('token=secret');
      }
    } finally {
      await api.close();
    }
  }, 180_000);
});
