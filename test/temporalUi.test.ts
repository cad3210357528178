/**
 * An auditor's view, with encryption on: the run is visible in the Temporal Web UI (the stack's ui-server),
 * opened in headless Chromium, and its payloads decode through the API's codec server once the auditor has
 * signed in on the API's login page: zero clicks in the UI, no browser setting, no injected headers (the
 * ui-server's codec setting sends the login cookie). The raw history holds no prompt text; signed out the
 * codec answers 401, and signed in as another tenant's auditor it answers ciphertext, and neither sees the prompt.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { buildApi } from '../client/api/apiServer';
import { startOptions } from '../client/startOptions';
import { runUiUrl } from '../client/temporalClient';
import { resolveTool } from '../infra/toolchain';
import { recordedTemporalUi } from '../infra/temporalUiMode';
import { launchBrowser, screenshot } from './support/browser';
import { runCommand } from './support/cli';
import { startTestEnv, type TestEnv } from './support/testEnv';
import { generateImage } from '../workflows/generate/generateImage';

const AUDITOR = `tok-aud-${randomUUID()}`;
/** An auditor of another tenant: the codec gives them the run's payloads back encrypted. */
const OTHER_AUDITOR = `tok-oth-${randomUUID()}`;
const VIEWPORT = { width: 1400, height: 1100 };

describe('Temporal UI', () => {
  let env: TestEnv;
  let api: FastifyInstance;
  let browser: Browser;
  let auditor: BrowserContext;
  /** The codec endpoint the stack gave the UI: the API's port on the UI's host name. */
  let codecEndpoint: string;
  const tenant = `ui-${randomUUID().slice(0, 8)}`;
  const prompt = `a lighthouse at dawn with a ${randomUUID().slice(0, 8)} flag`;
  const workflowId = `test-ui-${randomUUID()}`;
  let runId: string;
  /** The run's event history (the run's own URL opens on its timeline, whose activity names are drawn, not text). */
  const runPage = () => runUiUrl(env.config, workflowId, runId);

  /** A browser that has signed in on the API's login page (a form POST; the API answers with an HttpOnly cookie). */
  async function signedIn(token: string): Promise<BrowserContext> {
    const context = await browser.newContext({ viewport: VIEWPORT });
    const page = await context.newPage();
    await page.goto(codecEndpoint.replace(/\/codec$/, '/review/login'));
    await page.locator('input[name="token"]').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/review$/);
    await page.close();
    return context;
  }

  /** The run page, and every POST to the codec's /decode it makes until the history is shown and decoded. */
  async function openRun(page: Page): Promise<Promise<{ status: number; body: string }>[]> {
    const decodes: Promise<{ status: number; body: string }>[] = [];
    page.on('response', (r) => {
      if (r.url().startsWith(`${codecEndpoint}/decode`) && r.request().method() === 'POST')
        decodes.push(r.text().then((body) => ({ status: r.status(), body })));
    });
    await page.goto(runPage());
    await page.getByText('renderImage').first().waitFor({ timeout: 30_000 });
    return decodes;
  }

  beforeAll(async () => {
    env = await startTestEnv({
      name: 'ui',
      env: { IMAGE_AGENT_API_TOKENS: `${AUDITOR}:${tenant}:auditor:audit,${OTHER_AUDITOR}:othertenant:auditor:audit` },
    });
    expect(env.config.encryption.enabled).toBe(true);
    // Started as the API starts runs: the tenant is a search attribute, and the prompt is the run's summary.
    const input = { request: prompt, tenantId: tenant, userId: 'ui', options: { size: '256x256' } };
    const handle = await env.client.workflow.start(generateImage, { ...startOptions(env.config, input, workflowId), args: [input] });
    await handle.result();
    runId = handle.firstExecutionRunId;

    // Without the ui-server the UI is the dev server's, which needs the browser setting: that is a failure here.
    const ui = recordedTemporalUi(env.config);
    if (ui?.kind !== 'ui-server') {
      throw new Error(`the stack's Temporal UI is not the ui-server (${ui?.reason ?? 'no record'}); see \`npm run stack:status\` and infra/temporalUiBuild.ts`);
    }
    // The stack gives the UI the API's codec endpoint on the UI's own host name (the login cookie is kept per
    // host name, and the two ports are same-site), with credentials.
    const uiHost = new URL(env.config.temporal.uiUrl).hostname;
    codecEndpoint = `http://${uiHost}:${env.config.api.port}/codec`;
    const settings = (await (await fetch(`${env.config.temporal.uiUrl}/api/v1/settings`)).json()) as {
      Codec?: { Endpoint?: string; IncludeCredentials?: boolean };
    };
    expect(settings.Codec).toMatchObject({ Endpoint: codecEndpoint, IncludeCredentials: true });
    // This test's own API (its auditor tokens), on the configured API port the UI's codec names: the suite's
    // stack runs no API of its own.
    api = buildApi({ client: env.client, config: env.config, store: env.store });
    await api.listen({ host: env.config.api.host, port: env.config.api.port });

    browser = await launchBrowser();
    auditor = await signedIn(AUDITOR);
  });
  afterAll(async () => {
    await browser?.close();
    await api?.close();
    await env?.stop();
  });

  test('the raw history holds no prompt text', async () => {
    const raw = await runCommand(resolveTool('temporal', env.config.stack.dir), [
      'workflow',
      'show',
      '--address',
      env.config.temporal.connection.address!,
      '--namespace',
      env.config.temporal.namespace,
      '--workflow-id',
      workflowId,
      '-o',
      'json',
    ]);
    expect(raw.code).toBe(0);
    expect(raw.stdout).toContain('workflowExecutionStartedEventAttributes');
    const payloads = [...raw.stdout.matchAll(/"data": "([A-Za-z0-9+/=]*)"/g)].map((m) => Buffer.from(m[1]!, 'base64').toString('utf8'));
    expect(payloads.length).toBeGreaterThan(0);
    expect(`${raw.stdout}\n${payloads.join('\n')}`).not.toContain(prompt);
  });

  test('lists the run and shows its history with the render activity', async () => {
    const page = await auditor.newPage();
    const query = encodeURIComponent(`WorkflowId="${workflowId}"`);
    await page.goto(`${env.config.temporal.uiUrl}/namespaces/${env.config.temporal.namespace}/workflows?query=${query}`);
    await page.getByText(workflowId).first().waitFor({ timeout: 30_000 });
    await screenshot(page, 'temporal-ui-list');

    await page.goto(runPage());
    await page.getByText('renderImage').first().waitFor({ timeout: 30_000 });
    await expect(
      page
        .getByText(/Completed/)
        .first()
        .isVisible(),
    ).resolves.toBe(true);
    await screenshot(page, 'temporal-ui-history');
  });

  test('the signed-in auditor reads the decoded prompt in the run page, with no UI setting', async () => {
    const page = await auditor.newPage();
    const decodes = await openRun(page);
    await page.getByText(prompt).first().waitFor({ timeout: 60_000 });
    const answers = await Promise.all(decodes);
    expect(answers.length).toBeGreaterThan(0);
    expect(answers.map((a) => a.status).every((s) => s === 200)).toBe(true);
    await screenshot(page, 'temporal-ui-decoded-prompt');
  });

  test('signed out, the codec answers 401 and the UI shows no prompt', async () => {
    const context = await browser.newContext({ viewport: VIEWPORT });
    try {
      const page = await context.newPage();
      const refused = page.waitForResponse((r) => r.url().startsWith(`${codecEndpoint}/decode`) && r.request().method() === 'POST', { timeout: 60_000 });
      const decodes = await openRun(page);
      expect((await refused).status()).toBe(401);
      expect((await Promise.all(decodes)).every((a) => a.status === 401)).toBe(true);
      expect(await page.content()).not.toContain(prompt);
      await screenshot(page, 'temporal-ui-codec-401');
    } finally {
      await context.close();
    }
  });

  test("another tenant's auditor gets the payloads back encrypted and never sees the prompt", async () => {
    const context = await signedIn(OTHER_AUDITOR);
    try {
      const page = await context.newPage();
      const decodes = await openRun(page);
      // The UI decodes the input and result as the page settles: wait for those answers before looking.
      await page.waitForResponse((r) => r.url().startsWith(`${codecEndpoint}/decode`), { timeout: 30_000 }).catch(() => undefined);
      await page.waitForLoadState('networkidle');
      const answers = await Promise.all(decodes);
      expect(answers.length).toBeGreaterThan(0);
      expect(answers.every((a) => a.status === 200)).toBe(true);
      const payloads = answers.flatMap((a) => (JSON.parse(a.body) as { payloads: { metadata?: Record<string, string>; data?: string }[] }).payloads);
      const text = (b64: string | undefined) => Buffer.from(b64 ?? '', 'base64').toString();
      expect(payloads.map((p) => text(p.metadata?.encoding))).toContain('binary/encrypted');
      expect(payloads.map((p) => text(p.data)).join('\n')).not.toContain(prompt);
      expect(await page.content()).not.toContain(prompt);
      await screenshot(page, 'temporal-ui-other-tenant');
    } finally {
      await context.close();
    }
  });

  test('current details read as a table: one column per field, unverified apart from passed', async () => {
    const page = await auditor.newPage();
    await page.goto(runUiUrl(env.config, workflowId));
    // Current details live under "User Metadata"; the UI asks the (running) worker for them with a query,
    // and decodes the answer through the codec.
    await page.getByText('User Metadata').first().click();
    // The details are rendered in a frame of their own (the summary, the decoded prompt, in another). The
    // header row is one line of separate, aligned columns, not "imageroundpassedfailed".
    const header = page
      .frameLocator('#user-metadata-current-details')
      .getByText(/image\s+round\s+passed\s+failed\s+unverified\s+review\s+object/)
      .first();
    await header.waitFor({ timeout: 30_000 });
    const text = (await header.innerText()).replace(/\u00a0/g, ' ');
    expect(text).toMatch(/^image {2,}round {2,}passed {2,}failed {2,}unverified {2,}review {2,}object/m);
    // The offline critic looked at nothing: the row says 0 passed, its items unverified.
    expect(text).toMatch(/^0 +1 +0\/\d+ +0 +[1-9]\d* +image-0\/round-1\.png$/m);
    await screenshot(page, 'temporal-ui-current-details');
  });
});
