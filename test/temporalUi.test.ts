/** An auditor's view: the run is visible in the Temporal Web UI, opened in headless Chromium. */
import { randomUUID } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { runUiUrl } from '../client/temporalClient';
import { launchBrowser, screenshot } from './support/browser';
import { startTestEnv, type TestEnv } from './support/testEnv';
import { generateImage } from '../workflows/generateImage';

describe('Temporal UI', () => {
  let env: TestEnv;
  let browser: Browser;
  const workflowId = `test-ui-${randomUUID()}`;

  beforeAll(async () => {
    // Payloads in plain JSON: the dev server's UI sends no login cookie to the codec server, so encrypted
    // current details would not show here (the codec server's own test reads them with the auditor's token).
    env = await startTestEnv({ name: 'ui', env: { IMAGE_AGENT_ENCRYPTION: 'off' } });
    await env.client.workflow.execute(generateImage, {
      taskQueue: env.taskQueue,
      workflowId,
      args: [{ request: 'a lighthouse at dawn', tenantId: 'test', userId: 'ui', options: { size: '256x256' } }],
    });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await env.stop();
  });

  test('lists the run and shows its history with the render activity', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const query = encodeURIComponent(`WorkflowId="${workflowId}"`);
    await page.goto(`${env.config.temporal.uiUrl}/namespaces/default/workflows?query=${query}`);
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

  test('current details read as a table: one column per field, unverified apart from passed', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
    await page.goto(runUiUrl(env.config, workflowId));
    // Current details live under "User Metadata"; the UI asks the (running) worker for them with a query.
    await page.getByText('User Metadata').first().click();
    // The details are rendered in a frame of their own. The header row is one line of separate, aligned
    // columns, not "imageroundpassedfailed".
    const header = page
      .frameLocator('iframe')
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
