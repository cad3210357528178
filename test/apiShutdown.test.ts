/**
 * The API process on SIGTERM: readiness fails at once, new connections are refused, a request already in
 * flight (its body still arriving) is finished and answered, and the process exits 0. Its /metrics counts
 * requests by route pattern.
 */
import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { eventually } from './support/eventually';
import { DIST } from './support/paths';
import { metricSum } from './support/prometheusText';
import { startTestEnv, type TestEnv } from './support/testEnv';
import { freePort } from './support/freePort';

/**
 * Sends the head and the first half of a request, and waits until the server has parsed the head (its
 * `100 Continue`): the request is then in flight. Returns a function that sends the rest and reads the answer.
 */
async function startSlowRequest(port: number, token: string, body: string): Promise<() => Promise<string>> {
  const socket = net.connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  let answer = '';
  socket.on('data', (d: Buffer) => (answer += d.toString()));
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  const half = Math.floor(body.length / 2);
  socket.write(
    `POST /v1/generations HTTP/1.1\r\nHost: api\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n${body.slice(0, half)}`,
  );
  await eventually(async () => expect(answer).toContain('100 Continue'), 10_000, 20);
  return async () => {
    // write, not end: a client that half-closes its side aborts its own request in Node's HTTP server.
    socket.write(body.slice(half));
    await closed;
    return answer;
  };
}

describe('API graceful shutdown', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await startTestEnv({ name: 'api-shutdown', workers: false });
  });
  afterAll(() => env?.stop());

  test('SIGTERM: readiness 503, new connections refused, the in-flight request answered, exit 0', async () => {
    const apiPort = await freePort();
    const opsPort = await freePort();
    const token = 'shutdown-test-token-0123456789';
    const child = spawn(process.execPath, [path.join(DIST, 'client', 'cli.js'), 'serve'], {
      env: {
        ...process.env,
        IMAGE_AGENT_TASK_QUEUE: env.taskQueue,
        IMAGE_AGENT_PROVIDERS: 'offline',
        IMAGE_AGENT_API_TOKENS: `${token}:acme`,
        IMAGE_AGENT_API_PORT: String(apiPort),
        IMAGE_AGENT_OPS_PORT: String(opsPort),
        IMAGE_AGENT_SHUTDOWN_GRACE_SECONDS: '30',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    try {
      await eventually(async () => expect((await fetch(`http://127.0.0.1:${apiPort}/readyz`)).status).toBe(200), 30_000, 200);
      expect((await fetch(`http://127.0.0.1:${apiPort}/v1/generations`)).status).toBe(401);
      const metrics = await (await fetch(`http://127.0.0.1:${opsPort}/metrics`)).text();
      expect(metricSum(metrics, 'image_agent_http_requests_total', { route: '/v1/generations', method: 'GET', status: '4xx' })).toBe(1);

      const finish = await startSlowRequest(apiPort, token, JSON.stringify({ request: 'a lighthouse at dawn', userId: 'u1' }));
      child.kill('SIGTERM');
      await eventually(async () => expect((await fetch(`http://127.0.0.1:${opsPort}/readyz`)).status).toBe(503), 5_000, 50);
      await eventually(
        async () =>
          expect(
            await fetch(`http://127.0.0.1:${apiPort}/healthz`).then(
              () => 'answered',
              () => 'refused',
            ),
          ).toBe('refused'),
        5_000,
        50,
      );

      const answer = await finish();
      expect(answer).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 202 /);
      const workflowId = /"workflowId":"([^"]+)"/.exec(answer)?.[1];
      expect(workflowId).toBeDefined();
      expect(await exited).toEqual({ code: 0, signal: null });
      expect(output).toContain('drained and stopped');
      await env.client.workflow.getHandle(workflowId!).terminate('test cleanup');
    } finally {
      child.kill('SIGKILL');
    }
  });
});
