/**
 * Every route checks a role, from one table (client/api/routeRoles.ts) that docs/review-and-audit.md prints:
 * - the whole route × role matrix: every route, called by a principal of each role and without a token,
 *   answers 401/403 exactly where the table says, and otherwise gets past the check (the route's own answer);
 * - `userId` is bound to the principal: a submitter starts runs only as itself, a delegate for anyone;
 * - `cancel`: a submitter cancels only its own runs, a reviewer or delegate any run of the tenant;
 * - the review login refuses cross-site forms (login CSRF).
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { buildApi } from '../client/api/apiServer';
import { guardRoutes } from '../client/api/routeGuard';
import { ROUTE_ROLES, routeRolesMarkdown, type RouteRule } from '../client/api/routeRoles';
import { projectRoot } from '../common/paths';
import type { Role } from '../common/principals';
import { startTestEnv, type TestEnv } from './support/testEnv';

const TENANT = `rr-${randomUUID().slice(0, 8)}`;
/** One principal per role, named after it. */
const TOKENS: Record<Role, string> = {
  submit: `tok-submit-${randomUUID()}`,
  delegate: `tok-delegate-${randomUUID()}`,
  review: `tok-review-${randomUUID()}`,
  audit: `tok-audit-${randomUUID()}`,
  admin: `tok-admin-${randomUUID()}`,
};
const ROLE_NAMES = Object.keys(TOKENS) as Role[];
const NO_RUN = `no-such-run-${randomUUID()}`;

interface Sample {
  body?: string;
  type?: string;
  /** What the route answers once the caller is allowed (the request is built to touch nothing). */
  allowed: number | ((role: Role | 'anonymous') => number);
}

/** A request for each route, harmless whoever sends it: bad bodies, a run that does not exist. */
const SAMPLES: Record<string, Sample> = {
  'GET /healthz': { allowed: 200 },
  'GET /readyz': { allowed: 200 },
  'GET /openapi.json': { allowed: 200 },
  'POST /v1/generations': { body: '{}', allowed: 400 },
  'POST /v1/uploads': { body: 'not an image', type: 'image/png', allowed: 400 },
  'GET /v1/generations': { allowed: 200 },
  'GET /v1/generations/:id': { allowed: 404 },
  'GET /v1/generations/:id/report': { allowed: 404 },
  'POST /v1/generations/:id/review': { body: JSON.stringify({ decision: 'approve', candidateKey: 'k' }), allowed: 404 },
  'POST /v1/generations/:id/plan-review': { body: JSON.stringify({ decision: 'approve' }), allowed: 404 },
  'POST /v1/generations/:id/questions': { body: JSON.stringify({ question: 'why this palette?' }), allowed: 404 },
  'POST /v1/generations/:id/cancel': { allowed: 404 },
  'POST /v1/generations/:id/budget-gate': { body: JSON.stringify({ decision: 'resume' }), allowed: 404 },
  'GET /v1/reviews/pending': { allowed: 200 },
  'GET /v1/reviews/inbox': { allowed: 200 },
  // A run that does not exist is refused on its own: the bulk request itself answers 200, with that run's 404.
  'POST /v1/reviews/bulk': { body: JSON.stringify({ decision: 'approve', runs: [{ workflowId: 'no-such-run', gate: 'plan' }] }), allowed: 200 },
  'GET /v1/tenant/policy': { allowed: 200 },
  // An empty change changes nothing: refused after the role check.
  'POST /v1/tenant/policy': { body: '{}', allowed: 400 },
  'GET /v1/tenant/policy/changes': { allowed: 200 },
  'GET /v1/tenant/budget': { allowed: 200 },
  'GET /review': { allowed: 200 },
  'GET /review/runs/:id': { allowed: 404 },
  'GET /review/login': { allowed: 200 },
  // No link, or one that does not verify: refused after the role check.
  'GET /review/open': { allowed: 400 },
  'POST /review/open': { body: 'link=not.signed', type: 'application/x-www-form-urlencoded', allowed: 400 },
  // The form with the caller's own token signs in (303); without one, "invalid token".
  'POST /review/login': { type: 'application/x-www-form-urlencoded', allowed: (role) => (role === 'anonymous' ? 401 : 303) },
  'POST /codec/encode': { body: '{"payloads":[]}', allowed: 200 },
  'POST /codec/decode': { body: '{"payloads":[]}', allowed: 200 },
  'OPTIONS /codec/encode': { allowed: 204 },
  'OPTIONS /codec/decode': { allowed: 204 },
};

function expected(rule: RouteRule, role: Role | 'anonymous'): number {
  const sample = SAMPLES[`${rule.method} ${rule.url}`]!;
  const allowed = typeof sample.allowed === 'function' ? sample.allowed(role) : sample.allowed;
  if (rule.roles === 'anyone') return allowed;
  if (role === 'anonymous') return 401;
  return role === 'admin' || rule.roles.includes(role) ? allowed : 403;
}

describe('route × role', () => {
  let env: TestEnv;
  let api: FastifyInstance;
  let base: string;
  const started: string[] = [];

  beforeAll(async () => {
    env = await startTestEnv({
      name: 'route-roles',
      workers: false,
      env: { IMAGE_AGENT_API_TOKENS: ROLE_NAMES.map((r) => `${TOKENS[r]}:${TENANT}:${r}-principal:${r}`).join(',') },
    });
    api = buildApi({ client: env.client, config: env.config, store: env.store });
    await api.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(api.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    for (const id of started)
      await env.client.workflow
        .getHandle(id)
        .terminate('test cleanup')
        .catch(() => undefined);
    await api?.close();
    await env?.stop();
  });

  const send = (method: string, url: string, token: string | undefined, o: { body?: string; type?: string; headers?: Record<string, string> } = {}) =>
    fetch(`${base}${url}`, {
      method,
      redirect: 'manual',
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(o.body !== undefined ? { 'content-type': o.type ?? 'application/json' } : {}),
        ...o.headers,
      },
      ...(o.body !== undefined ? { body: o.body } : {}),
    });

  test('docs/review-and-audit.md prints the table the server enforces, and every route has a sample here', () => {
    const readme = fs.readFileSync(path.join(projectRoot, 'docs', 'review-and-audit.md'), 'utf8');
    const printed = /<!-- route-roles:start -->\n([\s\S]*?)\n<!-- route-roles:end -->/.exec(readme)?.[1];
    expect(printed).toBe(routeRolesMarkdown());
    expect(Object.keys(SAMPLES).sort()).toEqual(ROUTE_ROLES.map((r) => `${r.method} ${r.url}`).sort());
  });

  test('a route missing from the table cannot be registered', () => {
    const app = Fastify();
    const pass = async () => undefined;
    guardRoutes(app, env.config.api.tokens, { ordinary: pass, start: pass, upload: pass, codec: pass });
    expect(() => app.get('/v1/unlisted', async () => ({}))).toThrow(/GET \/v1\/unlisted is not in client\/api\/routeRoles\.ts/);
    expect(() => app.get('/v1/generations/:id', async () => ({}))).not.toThrow();
  });

  test.each(ROUTE_ROLES.map((r) => [`${r.method} ${r.url}`, r] as const))('%s: each role gets what the table says', async (_name, rule) => {
    const sample = SAMPLES[`${rule.method} ${rule.url}`]!;
    const url = rule.url.replace(':id', NO_RUN);
    const got: Record<string, number> = {};
    const want: Record<string, number> = {};
    for (const role of [...ROLE_NAMES, 'anonymous'] as const) {
      const token = role === 'anonymous' ? undefined : TOKENS[role];
      const body = rule.url === '/review/login' && rule.method === 'POST' ? `token=${encodeURIComponent(token ?? 'nobody-at-all-1234')}` : sample.body;
      const res = await send(rule.method, url, rule.url === '/review/login' ? undefined : token, { body, ...(sample.type ? { type: sample.type } : {}) });
      got[role] = res.status;
      want[role] = expected(rule, role);
    }
    expect(got).toEqual(want);
  });

  test('an audit-only token cannot cancel a run (the finding), a submitter starts runs only as itself, a delegate for anyone', async () => {
    const start = (token: string, userId: string) =>
      send('POST', '/v1/generations', token, { body: JSON.stringify({ request: 'a paper kite', userId, options: { size: '256x256' } }) });
    const asOther = await start(TOKENS.submit, 'someone-else');
    expect(asOther.status).toBe(403);
    expect(((await asOther.json()) as { error: string }).error).toMatch(/only as itself \(userId "submit-principal"\).*delegate/);
    const own = await start(TOKENS.submit, 'submit-principal');
    expect(own.status).toBe(202);
    const ownId = ((await own.json()) as { workflowId: string }).workflowId;
    started.push(ownId);
    const delegated = await start(TOKENS.delegate, 'someone-else');
    expect(delegated.status).toBe(202);
    const othersId = ((await delegated.json()) as { workflowId: string }).workflowId;
    started.push(othersId);

    // cancel: audit never; a submitter not another user's run, its own yes; a reviewer any.
    expect((await send('POST', `/v1/generations/${othersId}/cancel`, TOKENS.audit)).status).toBe(403);
    const notOwn = await send('POST', `/v1/generations/${othersId}/cancel`, TOKENS.submit);
    expect(notOwn.status).toBe(403);
    expect(((await notOwn.json()) as { error: string }).error).toMatch(/only its own runs/);
    expect((await env.client.workflow.getHandle(othersId).describe()).status.name).toBe('RUNNING');
    expect((await send('POST', `/v1/generations/${ownId}/cancel`, TOKENS.submit)).status).toBe(202);
    expect((await send('POST', `/v1/generations/${othersId}/cancel`, TOKENS.review)).status).toBe(202);
  });

  test('the review login refuses a form posted from another site (login CSRF), and takes one from its own page', async () => {
    const form = `token=${encodeURIComponent(TOKENS.review)}`;
    const type = 'application/x-www-form-urlencoded';
    for (const headers of [{ origin: 'https://evil.example' }, { 'sec-fetch-site': 'cross-site' }, { origin: 'null' }] as Record<string, string>[]) {
      const res = await send('POST', '/review/login', undefined, { body: form, type, headers });
      expect(res.status).toBe(403);
      expect(res.headers.get('set-cookie')).toBeNull();
      expect(await res.text()).toMatch(/sign-in refused: the form was posted from another/);
    }
    const own = await send('POST', '/review/login', undefined, { body: form, type, headers: { origin: base, 'sec-fetch-site': 'same-origin' } });
    expect(own.status).toBe(303);
    expect(own.headers.get('set-cookie')).toMatch(/^ia_token=/);
  });
});
