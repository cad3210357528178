/**
 * The HTTP API and the review page: tenant-scoped tokens, validated input, idempotent review decisions,
 * signed and retried webhooks, the report; and the review page in headless Chromium (approve → completes),
 * and the run found in the Temporal UI through a search-attribute query.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Browser } from 'playwright-core';
import { signWebhook } from '../activities/deliverWebhook';
import { buildApi } from '../client/api/apiServer';
import { TypedSearchAttributes } from '@temporalio/common';
import type { GenerateImageResult } from '../common/runResult';
import { Approval, Kind, Tenant } from '../common/searchAttributes';
import { generateImage } from '../workflows/generate/generateImage';
import { launchBrowser, screenshot } from './support/browser';
import { eventually } from './support/eventually';
import { dumpHistory } from './support/history';
import { startTestEnv, type TestEnv } from './support/testEnv';

const TOKEN_A = `tok-acme-${randomUUID()}`;
const TOKEN_B = `tok-globex-${randomUUID()}`;
const SECRET = `whsec-${randomUUID()}`;

interface Delivery {
  headers: http.IncomingHttpHeaders;
  body: string;
}

describe('HTTP API and review page', () => {
  let env: TestEnv;
  let api: FastifyInstance;
  let base: string;
  let receiver: http.Server;
  let hookUrl: string;
  const deliveries: Delivery[] = [];
  let failNext = 1;
  let browser: Browser;

  beforeAll(async () => {
    receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        // The first delivery fails, to show it is retried with the same idempotency key.
        if (failNext > 0) {
          failNext -= 1;
          res.writeHead(503).end();
          return;
        }
        deliveries.push({ headers: req.headers, body });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const hookPort = (receiver.address() as AddressInfo).port;
    hookUrl = `http://127.0.0.1:${hookPort}/hooks/image-agent`;
    env = await startTestEnv({
      name: 'api',
      env: {
        IMAGE_AGENT_API_TOKENS: `${TOKEN_A}:acme:api-reviewer:submit+delegate+review,${TOKEN_B}:globex`,
        IMAGE_AGENT_WEBHOOK_SECRET: SECRET,
        WEBHOOK_ALLOW_HOSTS: `127.0.0.1:${hookPort}`,
      },
    });
    api = buildApi({ client: env.client, config: env.config, store: env.store });
    await api.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(api.server.address() as AddressInfo).port}`;
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await api?.close();
    await env?.stop();
    receiver?.close();
  });

  const call = async (method: string, path: string, token?: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, body: (await res.json().catch(() => undefined)) as Record<string, any> };
  };

  async function startReviewed(token = TOKEN_A, extra: Record<string, unknown> = {}) {
    const res = await call('POST', '/v1/generations', token, {
      request: 'a paper lantern festival poster',
      userId: 'user-1',
      options: { size: '256x256' },
      review: { required: true, onTimeout: 'expire' },
      ...extra,
    });
    expect(res.status).toBe(202);
    const id = res.body.workflowId as string;
    const pending = await eventually(async () => {
      const s = await call('GET', `/v1/generations/${id}`, token);
      expect(s.body.pendingReview?.kind).toBe('result');
      return s.body;
    }, 30_000);
    return { id, candidateKey: pending.pendingReview.candidateKey as string, status: pending };
  }

  test('without a valid token: 401; with another tenant’s token: 404, as for a run that does not exist, and nothing is shown', async () => {
    const { id } = await startReviewed();
    expect((await call('GET', `/v1/generations/${id}`)).status).toBe(401);
    expect((await call('GET', `/v1/generations/${id}`, 'not-a-token')).status).toBe(401);
    for (const [method, path, body] of [
      ['GET', `/v1/generations/${id}`, undefined],
      ['GET', `/v1/generations/${id}/report`, undefined],
      ['POST', `/v1/generations/${id}/review`, { decision: 'approve', candidateKey: 'x' }],
      ['POST', `/v1/generations/${id}/cancel`, undefined],
    ] as const) {
      const res = await call(method, path, TOKEN_B, body);
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ error: `no run ${id}` });
      expect(JSON.stringify(res.body)).not.toContain('paper lantern');
    }
    const pendingB = await call('GET', '/v1/reviews/pending', TOKEN_B);
    expect(pendingB.body.runs.map((r: { workflowId: string }) => r.workflowId)).not.toContain(id);
    const pendingA = await eventually(async () => {
      const r = await call('GET', '/v1/reviews/pending', TOKEN_A);
      expect(r.body.runs.map((x: { workflowId: string }) => x.workflowId)).toContain(id);
      return r;
    });
    expect(pendingA.status).toBe(200);
    await call('POST', `/v1/generations/${id}/cancel`, TOKEN_A);
  });

  test('bad input gets a clear 400 and starts nothing', async () => {
    const res = await call('POST', '/v1/generations', TOKEN_A, { request: '', userId: 'user 1', options: { size: 'big' } });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/request: the request is empty/);
    expect(res.body.error).toMatch(/userId/);
    expect(res.body.error).toMatch(/size must look like 1024x1024/);
    const tenantSpoof = await call('POST', '/v1/generations', TOKEN_A, { request: 'x', userId: 'u', tenantId: 'globex' });
    expect(tenantSpoof.status).toBe(400);
  });

  test('review through the API: idempotent by Idempotency-Key; stale decisions are 409; webhooks are signed and retried', async () => {
    const { id, candidateKey } = await startReviewed(TOKEN_A, { webhookUrl: hookUrl });
    // The body's reviewer is ignored: the run records the token's principal.
    const decision = { decision: 'approve', candidateKey, reviewer: 'someone-else' };
    const stale = await call('POST', `/v1/generations/${id}/review`, TOKEN_A, { ...decision, candidateKey: 'runs/old.png' });
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatch(/^stale decision/);
    const first = await call('POST', `/v1/generations/${id}/review`, TOKEN_A, decision, { 'idempotency-key': 'approve-click-0001' });
    const retried = await call('POST', `/v1/generations/${id}/review`, TOKEN_A, decision, { 'idempotency-key': 'approve-click-0001' });
    expect(first).toEqual({ status: 200, body: { accepted: true, decision: 'approve', next: 'complete' } });
    expect(retried).toEqual(first);
    const result: GenerateImageResult = await env.client.workflow.getHandle(id).result();
    expect(result.decisions).toHaveLength(1);

    const report = await call('GET', `/v1/generations/${id}/report`, TOKEN_A);
    expect(report.status).toBe(200);
    expect(report.body.result.decisions[0].reviewer).toBe('api-reviewer');

    const events = await eventually(async () => {
      const mine = deliveries.filter((d) => JSON.parse(d.body).workflowId === id);
      // Retries can reorder deliveries; the receiver orders by event and idempotency key, not arrival.
      expect(mine.map((d) => d.headers['x-imageagent-event']).sort()).toEqual(['completed', 'review_needed']);
      return mine;
    }, 30_000);
    for (const d of events) {
      const timestamp = String(d.headers['x-imageagent-timestamp']);
      expect(d.headers['x-imageagent-signature']).toBe(signWebhook(SECRET, timestamp, d.body));
      expect(JSON.parse(d.body).idempotencyKey).toBe(d.headers['x-imageagent-idempotency-key']);
    }
    expect(JSON.parse(events.find((d) => d.headers['x-imageagent-event'] === 'completed')!.body)).toMatchObject({
      event: 'completed',
      outcome: 'completed',
      approval: 'approved',
      tenantId: 'acme',
    });
    expect(failNext).toBe(0); // the first delivery was answered 503 and retried
    const history = await dumpHistory(env.client.workflow.getHandle(id));
    expect(history.payloadTexts.join('\n')).not.toContain(SECRET);
    expect(history.payloadTexts.join('\n')).not.toContain(hookUrl);
  });

  /** Signs in through the page's form: the token is posted, never put in a URL. */
  async function logIn(page: import('playwright-core').Page, token: string): Promise<void> {
    await page.goto(`${base}/review/login`);
    await page.locator('input[name=token]').fill(token);
    await Promise.all([page.waitForURL(`${base}/review`), page.locator('form button').click()]);
  }

  test('the review page shows the candidate; clicking approve completes the workflow', async () => {
    const { id, candidateKey } = await startReviewed();
    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
    const page = await context.newPage();
    const unauthenticated = await page.goto(`${base}/review`);
    expect(unauthenticated!.status()).toBe(401);
    await logIn(page, TOKEN_A);
    expect(page.url()).toBe(`${base}/review`);
    const card = page.locator(`section.run[data-workflow-id="${id}"]`);
    await card.waitFor();
    const img = card.locator('img').first();
    await expect(img.evaluate((el) => (el as unknown as { complete: boolean; naturalWidth: number }).naturalWidth)).resolves.toBe(256);
    expect(await card.getAttribute('data-candidate-key')).toBe(candidateKey);
    await expect(card.textContent()).resolves.toContain('a paper lantern festival poster');
    await screenshot(page, 'review-page-pending');
    await card.locator('button.approve').click();
    await card.locator('output', { hasText: 'Approved.' }).waitFor();
    await screenshot(page, 'review-page-approved');
    const result: GenerateImageResult = await env.client.workflow.getHandle(id).result();
    expect(result.approval).toBe('approved');
    await context.close();
  });

  test('the review page of another tenant shows none of these runs', async () => {
    const { id } = await startReviewed();
    const context = await browser.newContext();
    const page = await context.newPage();
    await logIn(page, TOKEN_B);
    await expect(page.locator(`section.run[data-workflow-id="${id}"]`).count()).resolves.toBe(0);
    await expect(page.content()).resolves.not.toContain('paper lantern');
    await context.close();
    await call('POST', `/v1/generations/${id}/cancel`, TOKEN_A);
  });

  test('the review page still loads when a waiting run has no worker, and names that run apart', async () => {
    const answering = await startReviewed();
    // A run waiting for review on a task queue no worker polls: its status query cannot be answered.
    const orphan = `test-api-no-worker-${randomUUID()}`;
    await env.client.workflow.start(generateImage, {
      taskQueue: `nobody-polls-${randomUUID()}`,
      workflowId: orphan,
      args: [{ request: 'a run whose workers are gone', tenantId: 'acme', userId: 'user-1' }],
      typedSearchAttributes: new TypedSearchAttributes([
        { key: Kind, value: 'generate' },
        { key: Tenant, value: 'acme' },
        { key: Approval, value: 'pending' },
      ]),
    });
    try {
      const context = await browser.newContext();
      const page = await context.newPage();
      await logIn(page, TOKEN_A);
      await expect(page.locator(`#unanswered li[data-workflow-id="${orphan}"]`).count()).resolves.toBe(1);
      // The run whose worker answers is still decidable on the same page.
      await expect(page.locator(`section.run[data-workflow-id="${answering.id}"] button.approve`).count()).resolves.toBe(1);
      await screenshot(page, 'review-page-unanswered-run');
      await context.close();
    } finally {
      await env.client.workflow.getHandle(orphan).terminate('test over');
      await call('POST', `/v1/generations/${answering.id}/cancel`, TOKEN_A);
    }
  });

  test('the Temporal UI finds a waiting run through a search-attribute query', async () => {
    const { id } = await startReviewed();
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const query = encodeURIComponent(`ImageAgentApproval = "pending" AND ImageAgentTenant = "acme" AND WorkflowId = "${id}"`);
    await page.goto(`${env.config.temporal.uiUrl}/namespaces/default/workflows?query=${query}`);
    await page.getByText(id).first().waitFor({ timeout: 30_000 });
    await screenshot(page, 'temporal-ui-search-attribute-query');
    await page.close();
    await call('POST', `/v1/generations/${id}/cancel`, TOKEN_A);
  });
});
