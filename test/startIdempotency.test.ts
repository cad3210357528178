/**
 * The start of a run at the HTTP edge: a retried POST with the same Idempotency-Key is the same run, and
 * text a store cannot hold (a NUL, other control characters, invalid UTF-8) is refused before any run
 * starts, with a message that names the problem.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { buildApi } from '../client/api/apiServer';
import { idempotentWorkflowId } from '../client/generations';
import { startTestEnv, type TestEnv } from './support/testEnv';

const TOKEN = `tok-edge-${randomUUID()}`;

describe('starting a run over HTTP', () => {
  let env: TestEnv;
  let api: FastifyInstance;
  let base: string;
  const tenant = `edge-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    env = await startTestEnv({ name: 'edge', env: { IMAGE_AGENT_API_TOKENS: `${TOKEN}:${tenant}` } });
    api = buildApi({ client: env.client, config: env.config, store: env.store });
    await api.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(api.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await api?.close();
    await env?.stop();
  });

  const post = async (body: string | Buffer, headers: Record<string, string> = {}) => {
    const res = await fetch(`${base}/v1/generations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...headers },
      body,
    });
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };
  const request = (text: string) => JSON.stringify({ request: text, userId: 'edge-user', options: { size: '128x128' } });

  test('two POSTs with the same Idempotency-Key return the same run, and one run exists', async () => {
    const key = 'rej-1';
    const first = await post(request('a paper crane on a desk'), { 'idempotency-key': key });
    const second = await post(request('a paper crane on a desk'), { 'idempotency-key': key });
    expect(first.status).toBe(202);
    expect(second.status).toBe(202);
    expect(second.body.workflowId).toBe(first.body.workflowId);
    expect(second.body.runId).toBe(first.body.runId);
    expect(second.body.existing).toBe(true);
    // After the run has finished, the key still names it: no second run is paid for.
    await env.client.workflow.getHandle(first.body.workflowId).result();
    const third = await post(request('a paper crane on a desk'), { 'idempotency-key': key });
    expect(third.body).toMatchObject({ workflowId: first.body.workflowId, runId: first.body.runId, existing: true });
    const runs: string[] = [];
    for await (const w of env.client.workflow.list({ query: `WorkflowId = '${first.body.workflowId}'` })) runs.push(w.runId);
    expect(runs).toEqual([first.body.runId]);
  });

  test('without a key, the answer says how to make the start idempotent', async () => {
    const res = await post(request('a brass compass'));
    expect(res.status).toBe(202);
    expect(res.body.hint).toMatch(/Idempotency-Key/);
  });

  test.each([
    ['a NUL', request('a poster\u0000 of a lighthouse'), /request: the text contains the control character U\+0000 \(NUL\)/],
    ['a bell character', request('a poster \u0007 of a lighthouse'), /control character U\+0007/],
    ['an unpaired surrogate', '{"request":"a poster \\ud800 of a lighthouse","userId":"edge-user"}', /not valid Unicode/],
    [
      'invalid UTF-8 bytes',
      Buffer.concat([Buffer.from('{"request":"a poster '), Buffer.from([0xc3, 0x28]), Buffer.from('","userId":"edge-user"}')]),
      /not valid UTF-8/,
    ],
    ['an over-long request', request('x'.repeat(8001)), /longer than 8000 characters/],
    [
      'a control character in a reference key',
      JSON.stringify({ request: 'a lamp', userId: 'edge-user', inputImageKeys: ['uploads/a\u0000.png'] }),
      /inputImageKeys\.0: the text contains the control character U\+0000/,
    ],
    [
      'an outage window out of range',
      JSON.stringify({ request: 'a lamp', userId: 'edge-user', options: { outageWindow: '5 seconds' } }),
      /outage window must be between/,
    ],
  ])('%s is refused with 400 and a clear message, and no run starts', async (_what, body, message) => {
    // The key names the run this POST would have started: it must not exist.
    const key = `bad-${randomUUID()}`;
    const res = await post(body, { 'idempotency-key': key });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(message);
    await expect(env.client.workflow.getHandle(idempotentWorkflowId(tenant, key)).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
  });
});
