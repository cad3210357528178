/**
 * Planted secrets never leave the process that holds them: a webhook URL with user:password, a secret path and
 * a ?token=, a search API key and a model API key (plus the webhook signing secret and an API token) are
 * configured on real worker and API processes; each is driven into failure by an endpoint that quotes it
 * back (the model endpoint and the search API answer 500 and 401 with the key in the message, the webhook
 * receiver drops the connection and then refuses); then the histories (raw and decoded through the codec),
 * the processes' logs, every object of the tenant in S3 and every HTTP answer are scanned for them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { tenantPrefix } from '../common/objectKeys';
import { FakeOpenAIServer, schemaName } from './fakeOpenAI/fakeOpenAIServer';
import { scriptAgentDefaults } from './fakeOpenAI/agentDefaults';
import { eventually } from './support/eventually';
import { dumpHistory } from './support/history';
import { DIST } from './support/paths';
import { startTestEnv, type TestEnv } from './support/testEnv';
import { freePort } from './support/freePort';

const rand = () => randomBytes(9).toString('hex');
const MODEL_KEY = `sk-plant-model-${rand()}`;
const SEARCH_KEY = `tvly-plant-search-${rand()}`;
const HOOK_USER = `hookuser${rand()}`;
const HOOK_PASSWORD = `hookpass${rand()}`;
const HOOK_PATH = `hookpath${rand()}`;
const HOOK_TOKEN = `hooktoken${rand()}`;
const SIGNING_SECRET = `whsec-plant-${rand()}`;
const API_TOKEN = `apitoken-plant-${rand()}`;
const SECRETS = { MODEL_KEY, SEARCH_KEY, HOOK_USER, HOOK_PASSWORD, HOOK_PATH, HOOK_TOKEN, SIGNING_SECRET, API_TOKEN };

/** The names of the planted secrets found in `text` (with where, for the failure message). */
function leaks(where: string, text: string): string[] {
  return Object.entries(SECRETS)
    .filter(([, secret]) => text.includes(secret))
    .map(([name]) => `${name} in ${where}`);
}

/** Every string and every byte array (as UTF-8) of a structure, for scanning raw protobuf objects. */
function allText(node: unknown, out: string[] = []): string[] {
  if (typeof node === 'string') out.push(node);
  else if (node instanceof Uint8Array) out.push(Buffer.from(node).toString('utf8'));
  else if (node && typeof node === 'object') for (const v of Object.values(node)) allText(v, out);
  return out;
}

interface Proc {
  child: ChildProcess;
  output: () => string;
}

describe('planted secrets driven into failure', () => {
  let fake: FakeOpenAIServer;
  let env: TestEnv;
  let search: http.Server;
  let receiver: http.Server;
  let api: string;
  const processes: Proc[] = [];
  const answers: { what: string; body: string }[] = [];
  const tenant = `scan-${randomUUID().slice(0, 8)}`;
  const searchRequests: string[] = [];
  const hookAttempts = new Map<string, number>();
  const hookRequests: { url: string; authorization?: string }[] = [];

  const listen = async (server: http.Server) => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return (server.address() as net.AddressInfo).port;
  };

  const spawnProcess = (args: string[], extraEnv: Record<string, string>): Proc => {
    const child = spawn(process.execPath, args, { env: { ...process.env, ...extraEnv, IMAGE_AGENT_LOG_FORMAT: 'json' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    const proc = { child, output: () => output };
    processes.push(proc);
    return proc;
  };

  const call = async (what: string, method: string, url: string, body?: unknown) => {
    const res = await fetch(`${api}${url}`, {
      method,
      headers: { authorization: `Bearer ${API_TOKEN}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    answers.push({ what: `${what} (HTTP ${res.status})`, body: text });
    return { status: res.status, json: (text ? JSON.parse(text) : undefined) as Record<string, unknown> };
  };

  beforeAll(async () => {
    fake = await new FakeOpenAIServer().start();
    // A Tavily-compatible search API that quotes the key back: two 500s, then a 401.
    search = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        searchRequests.push(req.headers.authorization ?? '');
        const status = searchRequests.length <= 2 ? 500 : 401;
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ detail: { error: `rejected key ${req.headers.authorization}` } }));
      });
    });
    // A webhook receiver that drops the first attempt of each delivery and refuses the next.
    receiver = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        hookRequests.push({ url: req.url ?? '', authorization: req.headers.authorization });
        const key = String(req.headers['x-imageagent-idempotency-key']);
        const attempt = (hookAttempts.get(key) ?? 0) + 1;
        hookAttempts.set(key, attempt);
        if (attempt === 1) req.socket.destroy();
        else res.writeHead(403, { 'content-type': 'text/plain' }).end(`forbidden: ${req.url}`);
      });
    });
    const searchPort = await listen(search);
    const receiverPort = await listen(receiver);
    env = await startTestEnv({ name: 'secret-scan', fake, workers: false });
    const apiPort = await freePort();
    const shared = {
      IMAGE_AGENT_TASK_QUEUE: env.taskQueue,
      IMAGE_AGENT_PROVIDERS: 'openai',
      OPENAI_BASE_URL: fake.baseURL,
      OPENAI_API_KEY: MODEL_KEY,
      WEB_SEARCH_BACKEND: 'tavily',
      TAVILY_API_KEY: SEARCH_KEY,
      TAVILY_URL: `http://127.0.0.1:${searchPort}`,
      IMAGE_AGENT_WEBHOOK_SECRET: SIGNING_SECRET,
      WEBHOOK_ALLOW_HOSTS: `127.0.0.1:${receiverPort}`,
      IMAGE_AGENT_API_TOKENS: `${API_TOKEN}:${tenant}:alice:admin`,
      IMAGE_AGENT_API_HOST: '127.0.0.1',
      IMAGE_AGENT_API_PORT: String(apiPort),
    };
    spawnProcess([path.join(DIST, 'workers', 'orchestrationWorker.js')], shared);
    spawnProcess([path.join(DIST, 'workers', 'gpuWorker.js')], shared);
    spawnProcess([path.join(DIST, 'client', 'cli.js'), 'serve'], shared);
    api = `http://127.0.0.1:${apiPort}`;
    await eventually(async () => expect((await fetch(`${api}/healthz`)).status).toBe(200), 60_000, 300);
    // The webhook URL: user:password, a secret path and a ?token=; its scheme in capitals, so the URL as written
    // differs from its normalised form (the form fetch errors quote).
    hookUrl = `HTTP://${HOOK_USER}:${HOOK_PASSWORD}@127.0.0.1:${receiverPort}/hook/${HOOK_PATH}?token=${HOOK_TOKEN}`;
  });
  let hookUrl = '';
  afterAll(async () => {
    for (const p of processes) p.child.kill('SIGKILL');
    await env?.stop();
    await fake?.stop();
    search?.closeAllConnections();
    receiver?.closeAllConnections();
    await new Promise((r) => search?.close(r));
    await new Promise((r) => receiver?.close(r));
  });

  test('histories, logs, S3 objects and API answers hold none of them', async () => {
    // Run 1: the planner fails twice with the key quoted (500), then plans a web search; the search API
    // quotes its key (500, 500, 401); the critic's endpoint rejects the key (401); the webhook fails.
    fake.script(
      {
        route: 'chat',
        schema: 'context_plan',
        times: 2,
        fault: { status: 500, error: { message: `upstream failure for key ${MODEL_KEY}`, type: 'server_error' } },
      },
      {
        route: 'chat',
        schema: 'context_plan',
        times: 1,
        reply: {
          json: {
            intent: 'forecast',
            questions: [{ id: 'q1', question: 'Hangzhou weather forecast for 2026-11-28', route: 'web_search', dependsOn: [], rationale: 'test' }],
            images: [{ id: 'image-1', brief: 'the card', dependsOn: [] }],
          },
        },
      },
      {
        route: 'chat',
        schema: 'critique',
        fault: { status: 401, error: { message: `Incorrect API key provided: ${MODEL_KEY}`, type: 'invalid_request_error' } },
      },
    );
    scriptAgentDefaults(fake);
    const first = await call('start 1', 'POST', '/v1/generations', {
      request: 'a forecast card for Hangzhou on 28 November 2026',
      userId: 'alice',
      options: { size: '256x256', maxRounds: 1 },
      webhookUrl: hookUrl,
    });
    expect(first.status).toBe(202);
    const id1 = String(first.json.workflowId);
    const result1 = await env.client.workflow.getHandle(id1).result();
    expect(result1).toMatchObject({ outcome: 'completed' });

    // Run 2: the planner's endpoint rejects the key (401): the run fails.
    fake.reset();
    fake.script({
      route: 'chat',
      schema: 'context_plan',
      fault: { status: 401, error: { message: `Incorrect API key provided: ${MODEL_KEY}`, type: 'invalid_request_error' } },
    });
    const second = await call('start 2', 'POST', '/v1/generations', {
      request: 'a red circle',
      userId: 'alice',
      options: { size: '256x256' },
      webhookUrl: hookUrl,
    });
    expect(second.status).toBe(202);
    const id2 = String(second.json.workflowId);
    const failure = await env.client.workflow
      .getHandle(id2)
      .result()
      .then(
        () => undefined,
        (err: unknown) => err,
      );
    const failureText: string[] = [];
    for (let e = failure, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) failureText.push(e.message, e.stack ?? '');

    // Each secret was really in play: the endpoints received the keys, the receiver the deliveries.
    expect(fake.requests.every((r) => r.authorization === `Bearer ${MODEL_KEY}`)).toBe(true);
    expect(fake.requests.filter((r) => schemaName(r) === 'context_plan')).toHaveLength(1);
    expect(searchRequests).toEqual([`Bearer ${SEARCH_KEY}`, `Bearer ${SEARCH_KEY}`, `Bearer ${SEARCH_KEY}`]);
    expect(hookRequests.length).toBeGreaterThanOrEqual(2);
    expect(hookRequests[0]!.url).toBe(`/hook/${HOOK_PATH}?token=${HOOK_TOKEN}`);

    // The failures are visible (so the scan below reads real failure text), but redacted.
    const status1 = await call('status 1', 'GET', `/v1/generations/${id1}`);
    expect(JSON.stringify(status1.json)).toMatch(/tavily search: HTTP 401/);
    expect(failureText.join('\n')).toMatch(/model endpoint rejected the request \(HTTP 401\): .*Incorrect API key provided: \*\*\*/);
    await call('status 2', 'GET', `/v1/generations/${id2}`);
    await call('report 1', 'GET', `/v1/generations/${id1}/report`);
    await call('report 2', 'GET', `/v1/generations/${id2}/report`);
    await call('list', 'GET', '/v1/generations');

    const found: string[] = [];
    for (const id of [id1, id2]) {
      const handle = env.client.workflow.getHandle(id);
      const dump = await dumpHistory(handle);
      found.push(...leaks(`${id} history (decoded)`, dump.payloadTexts.join('\n')));
      found.push(...leaks(`${id} history (raw)`, allText(dump.history).join('\n')));
      found.push(...leaks(`${id} describe`, allText(await handle.describe()).join('\n')));
    }
    // The decoded histories do hold the failures: the planner's retried 500 and the webhook's failed attempts.
    const history1 = (await dumpHistory(env.client.workflow.getHandle(id1))).payloadTexts.join('\n');
    expect(history1).toMatch(/upstream failure for key \*\*\*/);
    expect(history1).toMatch(/webhook/);

    for (const key of await env.store.list(tenantPrefix(tenant))) {
      // webhook.json holds the URL the deliveries need; no other object may.
      const text = (await env.store.get(key)).toString('utf8');
      found.push(...leaks(key, text).filter((l) => !(key.endsWith('/webhook.json') && /^HOOK_/.test(l))));
    }
    for (const p of processes) found.push(...leaks(`log of ${String(p.child.spawnargs.slice(1).join(' '))}`, p.output()));
    for (const a of answers) found.push(...leaks(`API answer ${a.what}`, a.body));
    found.push(...leaks("the failed run's error, as a client sees it", failureText.join('\n')));
    expect(found).toEqual([]);
  });
});
