/**
 * The HTTP API (JSON, validated at the edge, documented in the README) and the review page, one server.
 * Every route is tenant-scoped by the caller's token; another tenant's run answers 404, as a missing one does.
 */
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import rateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { z } from 'zod';
import { InvalidRequestError } from '../../common/requestSchema';
import { openApiDocument } from './openApi';
import {
  budgetGateBody,
  bulkReviewBody,
  idParam,
  inboxQuery,
  listQuery,
  planReviewBody,
  policyChangeBody,
  policyChangesQuery,
  questionBody,
  reviewBody,
  runViewQuery,
  startBody,
} from './routeSchemas';
import { decideBudgetGate, resumeBudgetGates } from '../budgetGates';
import { tenantSpend } from '../tenantSpend';
import { shownPolicy, tenantPolicies } from '../tenantPolicies';
import { redactSecrets } from '../../common/redact';
import { describeFailure } from '../../common/describeFailure';
import { loadConfigIfValid } from '../../config/loadConfig';
import {
  askAgent,
  cancelGeneration,
  ForbiddenError,
  generationReport,
  generationStatus,
  idempotentWorkflowId,
  listGenerations,
  reviewGeneration,
  reviewPlan,
  startGeneration,
  type Generations,
} from '../generations';
import { httpRequests } from '../../telemetry/appMetrics';
import { storeUpload, UPLOAD_MAX_BYTES, UploadRejectedError } from '../uploadInputImages';
import { registerReviewLinkRoutes } from './review/reviewLinkRoutes';
import { actingUser, crossSiteReason, hasRole, setTokenCookie } from './auth';
import { errorResponse } from './errorResponse';
import { costLimiters, rateLimitPluginOptions } from './rateLimits';
import { callerOf, guardRoutes } from './routeGuard';
import { routeRule } from './routeRoles';
import { renderInboxPage } from './review/inboxPage';
import { renderRunPage } from './review/runPage';
import { reviewInbox, type InboxFilter } from '../reviewInbox';
import { bulkReview } from '../bulkReview';
import { registerCodecRoutes } from './codecServer';

/** How long the review page waits for each run's status: long enough for a busy worker, short enough to load. */
const REVIEW_PAGE_QUERY_DEADLINE_MS = 5000;

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new InvalidRequestError(`invalid ${what}: ${r.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ')}`);
  return r.data;
}

/**
 * The caller's idempotency key (`Idempotency-Key`, or `X-Request-Id`): any printable key of 1-200
 * characters. Retried requests carry the same one and become the same run or the same decision.
 */
function idempotencyKey(headers: Record<string, string | string[] | undefined>): string | undefined {
  const value = headers['idempotency-key'] ?? headers['x-request-id'];
  const key = Array.isArray(value) ? value[0] : value;
  if (key === undefined) return undefined;
  if (!/^[\x21-\x7E]{1,200}$/.test(key)) throw new InvalidRequestError('Idempotency-Key must be 1-200 printable ASCII characters without spaces');
  return key;
}

/** Update ids for review decisions: the key itself when Temporal's id rules allow it, else its hash. */
function requestId(headers: Record<string, string | string[] | undefined>): string {
  const key = idempotencyKey(headers);
  if (key === undefined) return randomUUID();
  return /^[A-Za-z0-9._:-]{1,128}$/.test(key) ? key : `key-${createHash('sha256').update(key).digest('hex').slice(0, 40)}`;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Whether the server takes new work; false from the first moment of a drain (SIGTERM). */
export interface Readiness {
  readonly draining: boolean;
}

/** The bytes of a JSON body at most: the longest text fields (REVIEW_TEXT_LIMITS, TEXT_LIMITS) fit many times over. */
const JSON_BODY_LIMIT = 256 * 1024;

export function buildApi(g: Generations, readiness: Readiness = { draining: false }): FastifyInstance {
  const tls = g.config.api.tls;
  // While draining, keep-alive connections are closed after their current request (see serve).
  const app = Fastify({
    logger: false,
    bodyLimit: JSON_BODY_LIMIT,
    return503OnClosing: true,
    trustProxy: g.config.api.trustProxy,
    ...(tls ? { https: { cert: fs.readFileSync(tls.certFile), key: fs.readFileSync(tls.keyFile) } } : {}),
  });
  app.setErrorHandler((err, req, reply) => sendError(req, reply, err));
  // Route patterns, not paths: run ids never become label values.
  app.addHook('onResponse', async (req, reply) => {
    httpRequests.inc({ route: req.routeOptions.url ?? 'unmatched', method: req.method, status: `${Math.floor(reply.statusCode / 100)}xx` });
  });
  // Fastify loads plugins in order, when the server starts: the routes are declared in a plugin after the
  // limiter's, so its decorators exist for them (declared beside it, they were registered before it loaded).
  void app.register(rateLimit, rateLimitPluginOptions(g.config.api.tokens));
  void app.register(async (api) => {
    guardRoutes(api, g.config.api.tokens, costLimiters(api, g.config.api.rateLimits));
    registerRoutes(api, g, readiness);
  });
  return app;
}

/** Every route; each has its row in routeRoles.ts, whose roles guardRoutes checks before the handler runs. */
function registerRoutes(app: FastifyInstance, g: Generations, readiness: Readiness): void {
  const tokens = g.config.api.tokens;
  // JSON bodies must be valid UTF-8: the default parser would turn bad bytes into U+FFFD and store them.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body: Buffer, done) => {
    let text: string;
    try {
      text = utf8.decode(body);
    } catch {
      done(new InvalidRequestError('the request body is not valid UTF-8'), undefined);
      return;
    }
    try {
      done(null, text.length ? JSON.parse(text) : undefined);
    } catch (err) {
      done(new InvalidRequestError(`the request body is not valid JSON: ${(err as Error).message}`), undefined);
    }
  });

  // The codec server for auditors (Temporal UI and CLI): codecServer.ts.
  registerCodecRoutes(app, g.config);

  app.get('/healthz', async () => ({ ok: true }));
  // Generated from the routes' roles and schemas (openApi.ts): what the server enforces is what it documents.
  const openApi = openApiDocument();
  app.get('/openapi.json', async () => openApi);
  app.get('/readyz', async (_req, reply) => (readiness.draining ? reply.code(503).send({ ready: false, draining: true }) : { ready: true }));

  app.post('/v1/generations', async (req, reply) => {
    const principal = callerOf(req);
    const tenantId = principal.tenant;
    const body = parse(startBody, req.body, 'request');
    const userId = actingUser(principal, body.userId);
    const key = idempotencyKey(req.headers);
    const request = { ...body, userId, tenantId };
    const started = key
      ? await startGeneration(g, request, idempotentWorkflowId(tenantId, key), { idempotent: true, requestedBy: principal.name })
      : await startGeneration(g, request, undefined, { requestedBy: principal.name });
    return reply.code(202).send({
      ...started,
      statusUrl: `/v1/generations/${started.workflowId}`,
      ...(key ? {} : { hint: 'send an Idempotency-Key header to make this start safe to retry: the same key returns the same run' }),
    });
  });

  // A user's own image, checked and kept under the tenant's prefix; a request names it by its uploadId.
  for (const type of ['image/png', 'image/jpeg', 'image/webp', 'image/gif', 'application/octet-stream']) {
    app.addContentTypeParser(type, { parseAs: 'buffer', bodyLimit: UPLOAD_MAX_BYTES + 1 }, (_req, body: Buffer, done) => done(null, body));
  }
  app.post('/v1/uploads', { bodyLimit: UPLOAD_MAX_BYTES + 1 }, async (req, reply) => {
    const tenantId = callerOf(req).tenant;
    const body = Buffer.isBuffer(req.body) ? req.body : req.body === undefined || req.body === null ? Buffer.alloc(0) : undefined;
    if (!body) throw new UploadRejectedError('send the image bytes as the body, with Content-Type image/png, image/jpeg, image/webp or image/gif', 415);
    const upload = await storeUpload(g.store, tenantId, body, req.headers['content-type']);
    return reply.code(201).send(upload);
  });

  app.get('/v1/generations', async (req) => {
    const tenant = callerOf(req).tenant;
    const q = parse(listQuery, req.query, 'query');
    return { runs: await listGenerations(g, { tenant, user: q.user, limit: q.limit }) };
  });

  app.get('/v1/generations/:id', async (req) => generationStatus(g, parse(idParam, req.params, 'path').id, callerOf(req).tenant));

  // The recorded reviewer is the authenticated principal (signed for the run), never the body's `reviewer`.
  app.post('/v1/generations/:id/review', async (req) => {
    const principal = callerOf(req);
    const { id } = parse(idParam, req.params, 'path');
    return reviewGeneration(g, id, parse(reviewBody, req.body, 'decision'), requestId(req.headers), principal.tenant, principal.name);
  });

  app.post('/v1/generations/:id/plan-review', async (req) => {
    const principal = callerOf(req);
    const { id } = parse(idParam, req.params, 'path');
    return reviewPlan(g, id, parse(planReviewBody, req.body, 'decision'), requestId(req.headers), principal.tenant, principal.name);
  });

  // The respond action: the asker recorded is the authenticated principal (signed for the run), never the body's `reviewer`.
  app.post('/v1/generations/:id/questions', async (req) => {
    const principal = callerOf(req);
    const { id } = parse(idParam, req.params, 'path');
    return askAgent(g, id, parse(questionBody, req.body, 'question'), requestId(req.headers), principal.tenant, principal.name);
  });

  // Reviewers and delegates cancel any run of the tenant; a submitter only its own (runs whose user it is).
  app.post('/v1/generations/:id/cancel', async (req, reply) => {
    const principal = callerOf(req);
    const ownOnly = !hasRole(principal, ['review', 'delegate']);
    await cancelGeneration(g, parse(idParam, req.params, 'path').id, principal.tenant, ownOnly ? { userId: principal.name } : undefined);
    return reply.code(202).send({ cancelling: true });
  });

  app.get('/v1/generations/:id/report', async (req) => generationReport(g, parse(idParam, req.params, 'path').id, callerOf(req).tenant));

  // A tenant's policy: readable by its principals (so a clamp can be understood), changed by its admins only.
  app.get('/v1/tenant/policy', async (req) => {
    const read = await tenantPolicies(g.config).current(callerOf(req).tenant);
    return { ...read, policy: shownPolicy(read.policy) };
  });
  app.post('/v1/tenant/policy', async (req) => {
    const principal = callerOf(req);
    const change = parse(policyChangeBody, req.body, 'policy change');
    // How a tenant's work is dispatched beside other tenants' is the operator's to set, not the tenant's own admin's.
    const operatorOnly = OPERATOR_POLICY_FIELDS.filter((f) => change[f] !== undefined);
    if (operatorOnly.length) throw new ForbiddenError(`${operatorOnly.join(', ')}: set by the operator (image-agent tenant set), not through the API`);
    const changed = await tenantPolicies(g.config).change(principal.tenant, change, principal.name);
    const read = { ...changed, policy: shownPolicy(changed.policy) };
    if (!change.budgets) return read;
    // A changed budget lets the tenant's paused runs try again now (one still past a budget pauses again).
    const gates = await resumeBudgetGates(g.client, principal.tenant, principal.name).catch(() => undefined);
    return { ...read, resumedPausedRuns: gates?.resumed.length ?? 0 };
  });
  app.post('/v1/generations/:id/budget-gate', async (req) => {
    const principal = callerOf(req);
    const { id } = parse(idParam, req.params, 'path');
    const body = parse(budgetGateBody, req.body, 'decision');
    return decideBudgetGate(g.client, id, { decision: body.decision, by: principal.name, ...(body.reason ? { reason: body.reason } : {}) }, principal.tenant);
  });
  app.get('/v1/tenant/policy/changes', async (req) => {
    const tenant = callerOf(req).tenant;
    const changes = await tenantPolicies(g.config).changes(tenant, parse(policyChangesQuery, req.query, 'query').limit);
    return { changes: changes.map((c) => ({ ...c, oldPolicy: shownPolicy(c.oldPolicy), newPolicy: shownPolicy(c.newPolicy) })) };
  });

  // Money: the tenant's auditors (and admins) read its spend; no route reads another tenant's.
  app.get('/v1/tenant/budget', async (req) => {
    const tenant = callerOf(req).tenant;
    const [spend, policy] = await Promise.all([tenantSpend(g.config, tenant), tenantPolicies(g.config).current(tenant)]);
    return { ...spend, budgets: shownPolicy(policy.policy).budgets ?? null };
  });

  app.get('/v1/reviews/pending', async (req) => ({ runs: await listGenerations(g, { tenant: callerOf(req).tenant, pendingReview: true, limit: 50 }) }));

  // The review page: the token is posted once (never in a URL, where logs and browser history keep it) and
  // exchanged for an HttpOnly cookie, Secure when the page is served over https (or a trusted proxy says so).
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 4096 }, (_req, body: string, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body)));
  });
  app.get('/review/login', async (_req, reply) =>
    reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(
        '<!doctype html><title>image-agent review</title><form method="post" action="/review/login"><label>Token <input name="token" type="password" autocomplete="off"></label> <button>Sign in</button></form>',
      ),
  );
  app.post('/review/login', async (req, reply) => {
    // Login CSRF: another site's form would sign the victim in as the attacker (SameSite does not cover a login).
    const crossSite = crossSiteReason(req);
    if (crossSite) return reply.code(403).type('text/plain').send(`sign-in refused: ${crossSite}`);
    const token = (req.body as { token?: unknown } | undefined)?.token;
    if (typeof token !== 'string' || !tokens.has(token)) return reply.code(401).type('text/plain').send('invalid token');
    setTokenCookie(reply, token, req.protocol === 'https');
    return reply.redirect('/review', 303);
  });

  app.get('/v1/reviews/inbox', async (req) => reviewInbox(g, callerOf(req).tenant, inboxFilter(req.query)));

  // Each run's decision is its own (signed for it, validated by it); the request's key makes a retry the same decisions.
  app.post('/v1/reviews/bulk', async (req) => {
    const principal = callerOf(req);
    const body = parse(bulkReviewBody, req.body, 'bulk decision');
    return { results: await bulkReview(g, body, requestId(req.headers), principal.tenant, principal.name) };
  });

  app.get('/review', async (req, reply) => {
    const tenant = callerOf(req).tenant;
    const filter = inboxFilter(req.query);
    const inbox = await reviewInbox(g, tenant, filter);
    // A run whose workers are gone cannot answer its status query: the page still loads, and names it.
    const views = await Promise.all(inbox.entries.map((e) => generationStatus(g, e.workflowId, tenant, REVIEW_PAGE_QUERY_DEADLINE_MS).catch(() => undefined)));
    const statuses = new Map(views.flatMap((v) => (v ? [[v.workflowId, v] as const] : [])));
    // Runs no worker has picked up yet, with their place and ETA: a few, since each costs a describe and three counts.
    const queued = await listGenerations(g, { tenant, queued: true, limit: 5 });
    const queuedViews = (await Promise.all(queued.map((r) => generationStatus(g, r.workflowId, tenant).catch(() => undefined)))).filter(
      (v): v is NonNullable<typeof v> => v?.queue !== undefined,
    );
    return reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(renderInboxPage({ tenant, filter, inbox, statuses, queued: queuedViews, now: Date.now() }));
  });

  registerReviewLinkRoutes(app, g.config, parse);

  app.get('/review/runs/:id', async (req, reply) => {
    const view = await generationStatus(g, parse(idParam, req.params, 'path').id, callerOf(req).tenant, REVIEW_PAGE_QUERY_DEADLINE_MS);
    const editing = parse(runViewQuery, req.query, 'query').edit === '1';
    return reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(renderRunPage(view, Date.now(), editing));
  });
}

/** The inbox's filters from a query string; the form sends empty fields for filters left blank. */
function inboxFilter(query: unknown): InboxFilter {
  const given = Object.fromEntries(Object.entries((query ?? {}) as Record<string, unknown>).filter(([, v]) => v !== ''));
  return parse(inboxQuery, given, 'query');
}

/** Policy fields that decide a tenant's share of the workers against other tenants': the operator's, never the API's. */
const OPERATOR_POLICY_FIELDS = ['priorityClass', 'fairnessWeight', 'maxQueuedRuns', 'maxOpenRuns'] as const;

const SIGN_IN_PAGE = '<!doctype html><title>image-agent review</title><p><a href="/review/login">Sign in</a> with the token you were given.</p>';

function sendError(req: FastifyRequest, reply: FastifyReply, err: unknown): FastifyReply {
  const answer = errorResponse(err, req.id);
  // A person at the review page without a token gets the way in, not JSON.
  if (answer.status === 401 && req.routeOptions.url && routeRule(req.method, req.routeOptions.url)?.signInPage) {
    return reply.code(401).type('text/html').send(SIGN_IN_PAGE);
  }
  // The details (addresses, ports, endpoints) go to the server's log, never to the caller.
  if (answer.logged) console.error(`image-agent API: request ${req.id} failed: ${redactSecrets(describeFailure(err, loadConfigIfValid()))}`);
  if (answer.retryAfterS !== undefined) reply.header('retry-after', String(answer.retryAfterS));
  return reply.code(answer.status).send(answer.body);
}
