/**
 * Objects in S3 encrypted with the tenant keyring (security/objectEncryption.ts): with encryption on, the
 * bytes S3 holds for a run's report, its model-call records and its webhook.json carry no prompt text and no
 * webhook secret, while `image-agent show` reads the prompt back, the worker still delivers the webhook, images
 * stay plaintext PNG, objects written in plaintext before still read, and a sealed object copied into another
 * tenant's prefix does not open.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startGeneration } from '../client/generations';
import { tenantPrefix } from '../common/objectKeys';
import type { GenerateImageResult } from '../common/runResult';
import { ObjectStore, SEALED_OBJECT_MAGIC } from '../providers/objectStore';
import { scriptAgentDefaults } from './fakeOpenAI/agentDefaults';
import { FakeOpenAIServer } from './fakeOpenAI/fakeOpenAIServer';
import { runCli } from './support/cli';
import { startTestEnv, type TestEnv } from './support/testEnv';

describe('objects in S3 are encrypted with the tenant keyring', () => {
  let fake: FakeOpenAIServer;
  let env: TestEnv;
  let receiver: http.Server;
  const deliveries: string[] = [];
  const tenant = `objc-${randomUUID().slice(0, 8)}`;
  const marker = `quokka${randomUUID().slice(0, 8)}`;
  const prompt = `a confidential packaging design for ${marker} on a white table`;
  const hookSecret = `HOOKSECRET${randomUUID().replace(/-/g, '')}`;
  let workflowId: string;
  let result: GenerateImageResult;

  beforeAll(async () => {
    receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        deliveries.push(body);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const port = (receiver.address() as AddressInfo).port;
    fake = await new FakeOpenAIServer().start();
    scriptAgentDefaults(fake);
    env = await startTestEnv({
      name: 'object-encryption',
      fake,
      env: { IMAGE_AGENT_ENCRYPTION: 'on', IMAGE_AGENT_WEBHOOK_SECRET: 'whsec-object-encryption-test', WEBHOOK_ALLOW_HOSTS: `127.0.0.1:${port}` },
    });
    const started = await startGeneration(
      { client: env.client, config: env.config, store: env.store },
      {
        request: prompt,
        tenantId: tenant,
        userId: 'u1',
        options: { size: '64x64', maxRounds: 1 },
        webhookUrl: `http://127.0.0.1:${port}/hooks/${hookSecret}?token=${hookSecret}`,
      },
    );
    workflowId = started.workflowId;
    result = await env.client.workflow.getHandle(workflowId).result();
  });
  afterAll(async () => {
    await env?.stop();
    await fake?.stop();
    receiver?.close();
  });

  test('raw report, model-call records and webhook.json hold no prompt text or webhook secret; show still shows the prompt', async () => {
    const runObjects = await env.store.list(`${tenantPrefix(tenant)}runs/${workflowId}/`);
    const report = runObjects.find((k) => k.endsWith('/report.json'));
    const calls = runObjects.filter((k) => k.includes('/calls/'));
    const webhook = runObjects.find((k) => k.endsWith('/webhook.json'));
    expect(report).toBe(result.reportKey);
    expect(calls.length).toBeGreaterThan(0);
    expect(webhook).toBeDefined();

    for (const key of [report!, webhook!, ...calls]) {
      const raw = await env.store.getRaw(key);
      expect(raw.subarray(0, SEALED_OBJECT_MAGIC.length).equals(SEALED_OBJECT_MAGIC)).toBe(true);
      const text = raw.toString('latin1');
      expect(text).not.toContain(marker);
      expect(text).not.toContain('confidential');
      expect(text).not.toContain(hookSecret);
    }
    // Opened through the keyring, they hold what they held before.
    expect((await env.store.get(report!)).toString()).toContain(marker);
    expect((await Promise.all(calls.map((k) => env.store.get(k)))).some((b) => b.toString().includes(marker))).toBe(true);
    expect(await env.store.getJson<{ url: string }>(webhook!)).toMatchObject({ url: expect.stringContaining(hookSecret) });

    // The worker opened webhook.json to deliver; the CLI opens the report.
    expect(deliveries.some((d) => d.includes(workflowId))).toBe(true);
    const shown = await runCli(['show', workflowId, '--prompts'], { IMAGE_AGENT_ENCRYPTION: 'on' });
    expect(shown.stderr).toBe('');
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(marker);
  });

  test('images stay plaintext PNG for presigned URLs; plaintext objects from before still read', async () => {
    const png = await env.store.getRaw(result.images[0]!.final.image.key);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    const plainStore = new ObjectStore(env.config.s3);
    const legacy = `${tenantPrefix(tenant)}runs/legacy-${randomUUID()}/report.json`;
    await plainStore.putJson(legacy, { request: 'written before encryption' });
    expect((await env.store.getRaw(legacy)).toString()).toContain('written before encryption');
    await expect(env.store.getJson(legacy)).resolves.toEqual({ request: 'written before encryption' });
    // A store without the keyring refuses a sealed object rather than handing out ciphertext as JSON.
    await expect(plainStore.getJson(result.reportKey!)).rejects.toThrow(/is encrypted/);
    plainStore.destroy();
  });

  test("a sealed object copied into another tenant's prefix does not open there", async () => {
    const plainStore = new ObjectStore(env.config.s3);
    const stolen = `${tenantPrefix(`${tenant}-thief`)}runs/copied/report.json`;
    await plainStore.put(stolen, await env.store.getRaw(result.reportKey!), 'application/octet-stream');
    await expect(env.store.get(stolen)).rejects.toThrow(/another tenant/);
    await plainStore.remove([stolen]);
    plainStore.destroy();
  });
});
