/**
 * An auditor's view, with encryption on: the run is visible in the Temporal Web UI, opened in headless
 * Chromium, and its payloads decode through the API's codec server once the auditor has signed in on the
 * API's login page and set the UI's Codec Server to include cross-origin credentials (clicked through the
 * UI's own dialog, as a person would; no injected headers). The raw history holds no prompt text, and the
 * same UI without the login gets 401 from the codec and shows no prompt.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { buildApi } from '../client/api/apiServer';
import { startOptions } from '../client/startOptions';
import { runUiUrl } from '../client/temporalClient';
import { resolveTool } from '../infra/toolchain';
import { launchBrowser, screenshot } from './support/browser';
import { runCommand } from './support/cli';
import { startTestEnv, type TestEnv } from './support/testEnv';
import { generateImage } from '../workflows/generate/generateImage';

const AUDITOR = `tok-aud-${randomUUID()}`;
const VIEWPORT = { width: 1400, height: 1100 };

describe('Temporal UI', () => {
  let env: TestEnv;
  let api: FastifyInstance;
  let browser: Browser;
  let auditor: BrowserContext;
  /** The codec endpoint the auditor types into the UI: this test's API, on the UI's host name. */
  let codecEndpoint: string;
  const tenant = `ui-${randomUUID().slice(0, 8)}`;
  const prompt = `a lighthouse at dawn with a ${randomUUID().slice(0, 8)} flag`;
  const workflowId = `test-ui-${randomUUID()}`;

  /**
   * What an auditor does once per browser: the UI's Codec Server dialog (the codec icon in the top bar),
   * "Use my browser setting", the endpoint, "Include cross-origin credentials", Apply. The dev server's UI
   * has no server-side setting for credentials, so without this the UI calls the codec without the cookie.
   */
  async function configureCodec(page: Page): Promise<void> {
    await page.locator('[data-testid^="data-encoder-status"]').first().click();
    const dialog = page.locator('#data-encoder-settings');
    await dialog.getByText(/Use my browser setting/).click();
    await dialog.locator('#data-encoder-endpoint-input').fill(codecEndpoint);
    await dialog.getByText('Include cross-origin credentials').click();
    await dialog.getByText(/Pre-flight checks will be done/).waitFor();
    await dialog.getByRole('button', { name: 'Apply' }).click();
    await dialog.waitFor({ state: 'hidden' });
  }

  beforeAll(async () => {
    env = await startTestEnv({ name: 'ui', env: { IMAGE_AGENT_API_TOKENS: `${AUDITOR}:${tenant}:auditor:audit` } });
    expect(env.config.encryption.enabled).toBe(true);
    // Started as the API starts runs: the tenant is a search attribute, and the prompt is the run's summary.
    const input = { request: prompt, tenantId: tenant, userId: 'ui', options: { size: '256x256' } };
    await env.client.workflow.execute(generateImage, { ...startOptions(env.config, input, workflowId), args: [input] });

    // The stack gives the UI the API's codec endpoint on the UI's own host name (the login cookie is kept per
    // host name, and the two ports are same-site); it cannot tell the UI to send credentials.
    const uiHost = new URL(env.config.temporal.uiUrl).hostname;
    const settings = (await (await fetch(`${env.config.temporal.uiUrl}/api/v1/settings`)).json()) as { Codec?: { Endpoint?: string } };
    expect(settings.Codec?.Endpoint).toBe(`http://${uiHost}:${env.config.api.port}/codec`);
    // This test's own API (its auditor token; the stack's API, if one is up, has other tokens), on a free
    // port of the same host name: the auditor's browser setting names it.
    api = buildApi({ client: env.client, config: env.config, store: env.store });
    await api.listen({ host: env.config.api.host, port: 0 });
    codecEndpoint = `http://${uiHost}:${(api.server.address() as AddressInfo).port}/codec`;

    browser = await launchBrowser();
    auditor = await browser.newContext({ viewport: VIEWPORT });
    const page = await auditor.newPage();
    // The auditor signs in on the API's login page (a form POST; the API answers with an HttpOnly cookie)...
    await page.goto(codecEndpoint.replace(/\/codec$/, '/review/login'));
    await page.locator('input[name="token"]').fill(AUDITOR);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/review$/);
    // ...then points the UI's codec at the API with credentials.
    await page.goto(env.config.temporal.uiUrl);
    await configureCodec(page);
    await page.close();
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

    await page.goto(runUiUrl(env.config, workflowId));
    await page.getByText('renderImage').first().waitFor({ timeout: 30_000 });
    await expect(
      page
        .getByText(/Completed/)
        .first()
        .isVisible(),
    ).resolves.toBe(true);
    await screenshot(page, 'temporal-ui-history');
  });

  test('the signed-in auditor reads the decoded prompt in the run page', async () => {
    const page = await auditor.newPage();
    const decodes: number[] = [];
    page.on('response', (r) => {
      if (r.url().startsWith(`${codecEndpoint}/decode`) && r.request().method() === 'POST') decodes.push(r.status());
    });
    await page.goto(runUiUrl(env.config, workflowId));
    await page.getByText(prompt).first().waitFor({ timeout: 60_000 });
    expect(decodes.length).toBeGreaterThan(0);
    expect(decodes.every((s) => s === 200)).toBe(true);
    await screenshot(page, 'temporal-ui-decoded-prompt');
  });

  test('without the login the codec answers 401 and the UI shows no prompt', async () => {
    const context = await browser.newContext({ viewport: VIEWPORT });
    try {
      const page = await context.newPage();
      await page.goto(env.config.temporal.uiUrl);
      await configureCodec(page);
      const refused = page.waitForResponse((r) => r.url().startsWith(`${codecEndpoint}/decode`) && r.request().method() === 'POST', { timeout: 60_000 });
      await page.goto(runUiUrl(env.config, workflowId));
      expect((await refused).status()).toBe(401);
      await page.getByText('renderImage').first().waitFor({ timeout: 30_000 });
      expect(await page.content()).not.toContain(prompt);
      await screenshot(page, 'temporal-ui-codec-401');
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
