/**
 * Review links in webhook payloads (security/reviewLinks.ts, client/api/review/reviewLinkRoutes.ts), end to end on
 * the stack: a run's review_needed webhook carries a signed link; opening it (a GET) changes nothing; spending it
 * (the page's POST, signed in) leads to the run view and decides nothing; it works once; a changed, expired or
 * foreign link is refused with the reason; with the database down the link fails (502) and stays unused.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Browser } from 'playwright-core';
import { buildApi } from '../client/api/apiServer';
import { signReviewLink } from '../security/reviewLinks';
import { statusQuery } from '../workflows/generate/generationMessages';
import { launchBrowser, screenshot } from './support/browser';
import { eventually } from './support/eventually';
import { freePort } from './support/freePort';
import { startTestEnv, type TestEnv } from './support/testEnv';
import { WebhookReceiver } from './soak/webhookReceiver';

const REVIEWER = `tok-lrev-${randomUUID()}`;
const AUDITOR = `tok-laud-${randomUUID()}`;
const OTHER = `tok-loth-${randomUUID()}`;

describe('review links in webhooks', () => {
  let env: TestEnv;
  let api: FastifyInstance;
  let base: string;
  let receiver: WebhookReceiver;
  let browser: Browser;
  const tenant = `links-${randomUUID().slice(0, 8)}`;

  const send = (method: string, path: string, options: { token?: string; form?: Record<string, string> } = {}) =>
    fetch(path.startsWith('http') ? path : `${base}${path}`, {
      method,
      redirect: 'manual',
      headers: {
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...(options.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      ...(options.form ? { body: new URLSearchParams(options.form).toString() } : {}),
    });

  /** Starts a run with a webhook and a deadline; resolves with the link its review_needed delivery carried. */
  async function waitingRunLink(): Promise<{ id: string; open: string; token: string; expiresAt: string }> {
    const res = await fetch(`${base}/v1/generations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${REVIEWER}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        request: 'a ferry timetable poster',
        userId: 'link-user',
        options: { size: '256x256' },
        review: { required: true, timeout: '2 hours', onTimeout: 'expire' },
        webhookUrl: receiver.url,
      }),
    });
    expect(res.status).toBe(202);
    const id = ((await res.json()) as { workflowId: string }).workflowId;
    const delivery = await eventually(async () => {
      const d = receiver.deliveries.find((x) => x.workflowId === id && x.event === 'review_needed');
      expect(d).toBeDefined();
      return d!;
    }, 90_000);
    const body = JSON.parse(delivery.body) as { links: { open: string; expiresAt: string }; deadline: string };
    expect(body.links.open.startsWith(`${base}/review/open?link=`)).toBe(true);
    // The link lasts until the review's deadline, no longer.
    expect(body.links.expiresAt.slice(0, 19)).toBe(new Date(Math.floor(Date.parse(body.deadline) / 1000) * 1000).toISOString().slice(0, 19));
    return { id, open: body.links.open, token: new URL(body.links.open).searchParams.get('link')!, expiresAt: body.links.expiresAt };
  }

  beforeAll(async () => {
    receiver = await new WebhookReceiver(1_000_000).start();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    env = await startTestEnv({
      name: 'links',
      env: {
        IMAGE_AGENT_API_TOKENS: `${REVIEWER}:${tenant}:link-reviewer:submit+delegate+review,${AUDITOR}:${tenant}:link-auditor:audit,${OTHER}:other-${tenant}:other-reviewer:submit+review`,
        IMAGE_AGENT_WEBHOOK_SECRET: `whsec-${randomUUID()}`,
        WEBHOOK_ALLOW_HOSTS: receiver.hostPort,
        IMAGE_AGENT_API_PUBLIC_URL: base,
      },
    });
    api = buildApi({ client: env.client, config: env.config, store: env.store });
    await api.listen({ host: '127.0.0.1', port });
    browser = await launchBrowser();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await api?.close();
    await receiver?.stop();
    await env?.stop();
  });

  test('a link opens its run once, for a signed-in reviewer of its tenant, and decides nothing', async () => {
    const { id, open, token } = await waitingRunLink();

    // The GET is the page a chat client opens: no sign-in, nothing spent.
    const page = await send('GET', open);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Open the review');
    expect((await send('GET', open)).status).toBe(200);

    // A changed link, a reviewer of another tenant, an auditor: refused, and the link is still unused.
    const changed = `${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`;
    expect((await send('GET', `/review/open?link=${changed}`)).status).toBe(400);
    expect((await send('POST', '/review/open', { token: REVIEWER, form: { link: changed } })).status).toBe(400);
    expect((await send('POST', '/review/open', { token: OTHER, form: { link: token } })).status).toBe(404);
    expect((await send('POST', '/review/open', { token: AUDITOR, form: { link: token } })).status).toBe(403);
    expect((await send('POST', '/review/open', { form: { link: token } })).status).toBe(401);
    expect((await send('GET', '/review/open?link=not-a-link')).status).toBe(400);

    const opened = await send('POST', '/review/open', { token: REVIEWER, form: { link: token } });
    expect(opened.status).toBe(303);
    expect(opened.headers.get('location')).toBe(`/review/runs/${encodeURIComponent(id)}`);
    // Opening decided nothing: the run still waits, with no decision recorded.
    const status = await env.client.workflow.getHandle(id).query(statusQuery);
    expect(status.pendingReview?.kind).toBe('result');
    expect(status.decisions).toEqual([]);

    const again = await send('POST', '/review/open', { token: REVIEWER, form: { link: token } });
    expect(again.status).toBe(410);
    expect(await again.text()).toMatch(/already used by link-reviewer at \d{4}-/);
    const stale = await send('GET', open);
    expect(stale.status).toBe(410);
    expect(await stale.text()).not.toContain('link-reviewer'); // who used it is for the tenant's reviewers
  });

  test('an expired link is refused with when it expired', async () => {
    const { url } = signReviewLink(env.config, { w: 'gen-x', t: tenant, k: 'result', e: Math.floor(Date.now() / 1000) - 60, n: 'a'.repeat(32) });
    const res = await send('GET', url);
    expect(res.status).toBe(410);
    expect(await res.text()).toMatch(/expired at \d{4}-/);
  });

  test('with the database down a link fails with 502 and stays unused; it opens once the database is back', async () => {
    const { token } = await waitingRunLink();
    const down = buildApi({ client: env.client, config: { ...env.config, databaseUrl: 'postgres://image_agent@127.0.0.1:9/none' }, store: env.store });
    await down.listen({ host: '127.0.0.1', port: 0 });
    try {
      const downBase = `http://127.0.0.1:${(down.server.address() as AddressInfo).port}`;
      const res = await send('POST', `${downBase}/review/open`, { token: REVIEWER, form: { link: token } });
      // As every route answers a Postgres outage: 502, naming the database and no address.
      expect(res.status).toBe(502);
      expect(await res.text()).toMatch(/did not answer \(database\); try again later/);
    } finally {
      await down.close();
    }
    expect((await send('POST', '/review/open', { token: REVIEWER, form: { link: token } })).status).toBe(303);
  });

  test('in Chromium: sign in, follow the link, press the button, land on the run view', async () => {
    const { id, open } = await waitingRunLink();
    const context = await browser.newContext();
    const tab = await context.newPage();
    await tab.goto(`${base}/review/login`);
    await tab.fill('input[name=token]', REVIEWER);
    await Promise.all([tab.waitForURL(`${base}/review`), tab.click('button')]);
    await tab.goto(open);
    await screenshot(tab, 'review-link-open');
    const [answer] = await Promise.all([
      tab.waitForResponse((r) => r.url() === `${base}/review/open` && r.request().method() === 'POST'),
      tab.click('text=Open the review'),
    ]);
    expect({ status: answer.status(), body: answer.status() === 303 ? '' : await answer.text() }).toEqual({ status: 303, body: '' });
    await tab.waitForURL(`${base}/review/runs/${encodeURIComponent(id)}`);
    expect(await tab.textContent('body')).toContain(id);
    await screenshot(tab, 'review-link-run-view');
    await context.close();
  });
});
