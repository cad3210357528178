/**
 * Keys survive an object-storage outage (issue 20, finding 9), on the real stack: with SeaweedFS stopped for
 * 60 s, a run started through the API (a fresh `serve` process) and one through the CLI (a fresh process)
 * start at once for a tenant whose key this machine has seen, from the wrapped copy on disk, and complete
 * once object storage is back. For a tenant whose key exists nowhere but object storage, the API answers
 * 503 naming it, and the CLI waits within the outage window, saying so, and completes too.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startGeneration } from '../client/generations';
import { infrastructure } from '../infra/stack';
import type { StackService } from '../infra/stackService';
import { startApiServerProcess, type ApiServerProcess } from './support/apiServerProcess';
import { runCli } from './support/cli';
import { eventually } from './support/eventually';
import { startTestEnv, type TestEnv } from './support/testEnv';

const OUTAGE_MS = 60_000;
const KNOWN = `s3out-${randomUUID().slice(0, 6)}`;
const NEW = `s3new-${randomUUID().slice(0, 6)}`;
const TOKEN = `tok-known-${randomUUID()}`;
const TOKEN_NEW = `tok-new-${randomUUID()}`;

describe('starting runs while object storage is down', () => {
  let env: TestEnv;
  let services: StackService[];
  let api: ApiServerProcess | undefined;
  let out: string;

  beforeAll(async () => {
    env = await startTestEnv({ name: 's3-outage-starts' });
    services = infrastructure(env.config);
    out = fs.mkdtempSync(path.join(os.tmpdir(), 's3-outage-'));
  });
  afterAll(async () => {
    // A failed test must not leave a server down for the suites after it.
    await Promise.all(services.map(async (s) => (await s.healthy()) || s.start(() => undefined)));
    await api?.stop();
    await env?.stop();
    fs.rmSync(out, { recursive: true, force: true });
  });

  test('through the API and the CLI, runs start during a 60 s outage and complete after it', async () => {
    const s3 = services.find((s) => s.name === 'object storage')!;
    // The tenant's key is made (and its wrapped copy kept on this machine) by an ordinary run.
    const g = { client: env.client, config: env.config, store: env.store };
    const warm = await startGeneration(g, { request: 'a warm-up lantern', tenantId: KNOWN, userId: 'alice', options: { size: '256x256', maxRounds: 1 } });
    await env.client.workflow.getHandle(warm.workflowId).result();
    api = await startApiServerProcess({
      IMAGE_AGENT_API_TOKENS: `${TOKEN}:${KNOWN}:alice:submit,${TOKEN_NEW}:${NEW}:bob:submit`,
      IMAGE_AGENT_TASK_QUEUE: env.taskQueue,
    });
    const post = (token: string, userId: string) =>
      fetch(`${api!.base}/v1/generations`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ request: 'a kite over a harbour', userId, options: { size: '256x256', maxRounds: 1 } }),
      });
    const cli = (tenant: string) =>
      runCli(
        ['generate', '--json', '--wait', '--tenant', tenant, '--user', 'carol', '--size', '256x256', '--max-rounds', '1', '--out', out, 'a paper boat'],
        { IMAGE_AGENT_TASK_QUEUE: env.taskQueue, IMAGE_AGENT_PROVIDERS: 'offline' },
        400_000,
      );

    expect(await s3.stop()).toBe(true);
    let started: Response;
    let refused: Response;
    let viaCli: ReturnType<typeof cli>;
    let viaCliNew: ReturnType<typeof cli>;
    try {
      started = await post(TOKEN, 'alice');
      refused = await post(TOKEN_NEW, 'bob');
      viaCli = cli(KNOWN);
      viaCliNew = cli(NEW);
      await sleep(OUTAGE_MS);
    } finally {
      await s3.start(() => undefined);
    }
    expect(started.status).toBe(202);
    const { workflowId } = (await started.json()) as { workflowId: string };
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('30');
    expect(((await refused.json()) as { error: string }).error).toMatch(/object storage is unreachable/);

    const [known, fresh] = await Promise.all([viaCli, viaCliNew]);
    expect(known.code).toBe(0);
    expect(known.stderr).not.toMatch(/waiting up to/);
    expect((JSON.parse(known.stdout) as { outcome: string }).outcome).toBe('completed');
    expect(fresh.code).toBe(0);
    expect(fresh.stderr).toMatch(/object storage is unreachable; waiting up to .* to start the run/);
    expect((JSON.parse(fresh.stdout) as { outcome: string }).outcome).toBe('completed');
    await eventually(async () => {
      const status = await fetch(`${api!.base}/v1/generations/${workflowId}`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(((await status.json()) as { stage: string }).stage).toBe('completed');
    }, 120_000);
  });
});
