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
    env = await startTestEnv({ name: 'ui' });
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
});
