/**
 * The codec server for auditors and erasure: the raw `temporal workflow show` holds no prompt text; through
 * the codec server with an auditor's token it does; without a token the codec answers 401, without the
 * audit role 403, and another tenant's auditor decodes nothing; erasing a user removes their rows and
 * objects; erasing the tenant destroys its key, and its histories no longer decode.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { buildApi } from '../client/api/apiServer';
import { loadConfig } from '../config/loadConfig';
import { tenantPrefix } from '../common/objectKeys';
import { createPool } from '../providers/database';
import { resolveTool } from '../infra/toolchain';
import { runCli, runCommand } from './support/cli';
import { startTestEnv, type TestEnv } from './support/testEnv';
import { generateImage } from '../workflows/generate/generateImage';
import { startOptions } from '../client/startOptions';

const AUDITOR = `tok-aud-${randomUUID()}`;
const SUBMITTER = `tok-sub-${randomUUID()}`;
const OTHER = `tok-oth-${randomUUID()}`;

describe('codec server and erasure', () => {
  let env: TestEnv;
  let api: FastifyInstance;
  let codec: string;
  const tenant = `cx-${randomUUID().slice(0, 8)}`;
  const prompt = `the secret harbour mural ${randomUUID().slice(0, 8)}`;
  const workflowId = `test-codec-${randomUUID()}`;
  const temporal = () => resolveTool('temporal', loadConfig().stack.dir);
  const show = (auth?: string) =>
    runCommand(temporal(), [
      'workflow',
      'show',
      '--address',
      loadConfig().temporal.connection.address!,
      '--workflow-id',
      workflowId,
      '-o',
      'json',
      ...(auth ? ['--codec-endpoint', codec, '--codec-auth', `Bearer ${auth}`] : []),
    ]);

  /** Every payload's data in the CLI's JSON output, as text (the CLI prints payload data in base64). */
  const payloadText = (stdout: string): string =>
    [...stdout.matchAll(/"data": "([A-Za-z0-9+/=]*)"/g)].map((m) => Buffer.from(m[1]!, 'base64').toString('utf8')).join('\n');

  beforeAll(async () => {
    env = await startTestEnv({
      name: 'codec',
      env: { IMAGE_AGENT_API_TOKENS: `${AUDITOR}:${tenant}:auditor:audit,${SUBMITTER}:${tenant}:sam:submit,${OTHER}:other:aud2:audit` },
    });
    api = buildApi({ client: env.client, config: env.config, store: env.store });
    await api.listen({ host: '127.0.0.1', port: 0 });
    codec = `http://127.0.0.1:${(api.server.address() as AddressInfo).port}/codec`;
    // Started as the API starts runs: the tenant and user tag are search attributes, which erasure queries.
    const input = { request: prompt, tenantId: tenant, userId: 'erin', options: { size: '256x256', maxRounds: 1 } };
    await env.client.workflow.execute(generateImage, { ...startOptions(env.config, input, workflowId), args: [input] });
  });
  afterAll(async () => {
    await api?.close();
    await env?.stop();
  });

  test('the codec answers 401 without a token and 403 without the audit role; CORS allows the UI origin with credentials', async () => {
    const body = JSON.stringify({ payloads: [] });
    const post = (headers: Record<string, string>) =>
      fetch(`${codec}/decode`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    expect((await post({})).status).toBe(401);
    expect((await post({ authorization: `Bearer ${SUBMITTER}` })).status).toBe(403);
    expect((await post({ authorization: `Bearer ${AUDITOR}` })).status).toBe(200);
    const ui = env.config.security.codecCorsOrigins[0]!;
    const preflight = await fetch(`${codec}/decode`, {
      method: 'OPTIONS',
      headers: { origin: ui, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-namespace' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBe(ui);
    expect(preflight.headers.get('access-control-allow-credentials')).toBe('true');
    const evil = await fetch(`${codec}/decode`, { method: 'OPTIONS', headers: { origin: 'http://evil.example', 'access-control-request-method': 'POST' } });
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
  });

  test('raw `temporal workflow show` holds no prompt text; the auditor of the tenant reads it through the codec, another tenant cannot', async () => {
    const raw = await show();
    expect(raw.code).toBe(0);
    expect(raw.stdout).toContain('workflowExecutionStartedEventAttributes');
    expect(raw.stdout).not.toContain(prompt);
    expect(payloadText(raw.stdout)).not.toContain(prompt);
    const decoded = await show(AUDITOR);
    expect(decoded.code).toBe(0);
    expect(payloadText(decoded.stdout)).toContain(prompt);
    const other = await show(OTHER);
    expect(payloadText(other.stdout)).not.toContain(prompt);
  });

  test('erasing a user removes their memory rows and objects; erasing the tenant destroys its key and its histories stop decoding', async () => {
    const pool = createPool(env.config.databaseUrl, 1);
    const count = async () => Number((await pool.query('select count(*) as n from conversation_turns where tenant_id = $1', [tenant])).rows[0].n);
    const objects = () => env.store.list(`${tenantPrefix(tenant)}runs/${workflowId}/`);
    expect(await count()).toBeGreaterThan(0);
    expect((await objects()).length).toBeGreaterThan(0);
    const user = await runCli(['erase', '--tenant', tenant, '--user', 'erin', '--json']);
    expect(user.stderr).toBe('');
    const record = JSON.parse(user.stdout) as { runs: number; userTag: string; keysDestroyed: number; recordKey: string };
    expect(record).toMatchObject({ runs: 1, keysDestroyed: 0 });
    expect(user.stdout).not.toContain('erin');
    expect(await count()).toBe(0);
    expect(await objects()).toEqual([]);
    await expect(env.store.getJson(record.recordKey)).resolves.toMatchObject({ tenant, userTag: record.userTag });
    // Still readable by the auditor until the tenant goes.
    expect(payloadText((await show(AUDITOR)).stdout)).toContain(prompt);

    const whole = await runCli(['erase', '--tenant', tenant, '--json']);
    expect(JSON.parse(whole.stdout)).toMatchObject({ tenant, keysDestroyed: 1 });
    await pool.end();
    // A fresh codec server (no cached key) can no longer decode the tenant's history.
    const fresh = buildApi({ client: env.client, config: env.config, store: env.store });
    await fresh.listen({ host: '127.0.0.1', port: 0 });
    const before = codec;
    codec = `http://127.0.0.1:${(fresh.server.address() as AddressInfo).port}/codec`;
    const after = await show(AUDITOR);
    codec = before;
    await fresh.close();
    expect(after.stdout).toContain('workflowExecutionStartedEventAttributes');
    expect(payloadText(after.stdout)).not.toContain(prompt);
  });
});
