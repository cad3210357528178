/**
 * Which roles may call each route of the API, and what each costs against the rate limits: one table, enforced
 * by the server (a route missing from it cannot be registered, see apiServer.ts) and printed in
 * docs/review-and-audit.md (routeRolesMarkdown; a test checks the page holds exactly this text).
 */
import type { z } from 'zod';
import type { CostClass } from '../../common/apiCostClass';
import type { Role } from '../../common/principals';
import { MAX_REVIEW_QUESTIONS } from '../../common/reviewRules';
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
  reviewLinkBody,
  reviewLinkQuery,
  runViewQuery,
  startBody,
} from './routeSchemas';

export interface RouteRule {
  method: 'GET' | 'POST' | 'OPTIONS';
  url: string;
  /** The caller needs one of these roles (admin counts as every role); 'anyone': no token needed. */
  roles: readonly Role[] | 'anyone';
  /** The rate-limit budget it draws from; 'free' for probes and CORS preflights. */
  cost: CostClass | 'free';
  /** What it does, for the OpenAPI document (openApi.ts) and docs/http-api.md. */
  summary: string;
  /** What it accepts (client/api/routeSchemas.ts): the server parses with these, and the document shows them. */
  body?: z.ZodType;
  query?: z.ZodType;
  params?: z.ZodType;
  /** What the roles do not say. */
  note?: string;
  /** Cookie-authenticated POSTs without X-Requested-With are allowed (the Temporal UI calls the codec cross-origin). */
  cookieWrites?: true;
  /** An unauthenticated caller gets the sign-in page instead of a JSON 401. */
  signInPage?: true;
}

const READERS: readonly Role[] = ['submit', 'delegate', 'review', 'audit'];
const SUBMITTERS: readonly Role[] = ['submit', 'delegate'];

export const ROUTE_ROLES: readonly RouteRule[] = [
  { method: 'GET', url: '/healthz', summary: 'liveness', roles: 'anyone', cost: 'free' },
  { method: 'GET', url: '/readyz', summary: 'readiness: 503 while the server drains', roles: 'anyone', cost: 'free' },
  { method: 'GET', url: '/openapi.json', summary: 'this document', roles: 'anyone', cost: 'ordinary' },
  {
    method: 'POST',
    url: '/v1/generations',
    summary: 'start a generation (202 with its workflow id); send Idempotency-Key (or X-Request-Id) to make a retry the same run',
    body: startBody,
    roles: SUBMITTERS,
    cost: 'start',
    note: '`userId` must be the principal’s own name unless it holds delegate (or admin)',
  },
  {
    method: 'POST',
    url: '/v1/uploads',
    summary: 'upload a reference image (PNG, JPEG, WebP or GIF bytes as the body); 201 with its uploadId and key',
    roles: SUBMITTERS,
    cost: 'upload',
  },
  { method: 'GET', url: '/v1/generations', summary: 'recent runs of the tenant', query: listQuery, roles: READERS, cost: 'ordinary' },
  {
    method: 'GET',
    url: '/v1/generations/:id',
    summary: 'a run: stage, round, candidates, verdicts, pending review, usage',
    params: idParam,
    roles: READERS,
    cost: 'ordinary',
  },
  {
    method: 'GET',
    url: '/v1/generations/:id/report',
    summary: 'the run report: plan, evidence with sources, prompts, verdicts, decisions, cost, timings',
    params: idParam,
    roles: READERS,
    cost: 'ordinary',
  },
  {
    method: 'POST',
    url: '/v1/generations/:id/review',
    summary: 'approve or reject the candidate under review (409 with the reason when refused)',
    params: idParam,
    body: reviewBody,
    roles: ['review'],
    cost: 'ordinary',
  },
  {
    method: 'POST',
    url: '/v1/generations/:id/plan-review',
    summary: 'approve, edit or reject the plan of a run waiting before rendering',
    params: idParam,
    body: planReviewBody,
    roles: ['review'],
    cost: 'ordinary',
  },
  {
    method: 'POST',
    url: '/v1/generations/:id/questions',
    summary:
      'ask the agent about a run waiting for a decision: one model call answers from the run’s plan, sources, checklist, prompts and verdicts, with no render; the run keeps waiting (409 with the reason when refused, 503 when no answer came in time)',
    params: idParam,
    body: questionBody,
    roles: ['review'],
    cost: 'ordinary',
    note: `at most ${MAX_REVIEW_QUESTIONS} questions a run; send Idempotency-Key to make a retry the same question, answered once`,
  },
  {
    method: 'POST',
    url: '/v1/generations/:id/cancel',
    summary: 'cancel a run at any stage; it still writes its report',
    params: idParam,
    roles: ['submit', 'delegate', 'review'],
    cost: 'ordinary',
    note: 'submit: only runs whose user is the principal; delegate: any user’s runs',
  },
  {
    method: 'POST',
    url: '/v1/generations/:id/budget-gate',
    summary: 'resume or stop a run paused at its budget gate (409 when it is not waiting there)',
    params: idParam,
    body: budgetGateBody,
    roles: [],
    cost: 'ordinary',
    note: 'admin only; changing `budgets` through `POST /v1/tenant/policy` resumes every paused run of the tenant',
  },
  {
    method: 'GET',
    url: '/v1/tenant/policy',
    summary: 'the caller’s tenant’s policy: its version, and what runs may ask for',
    roles: READERS,
    cost: 'ordinary',
    note: 'only the caller’s own tenant',
  },
  {
    method: 'POST',
    url: '/v1/tenant/policy',
    summary: 'change the caller’s tenant’s policy (the fields given); 409 when `expectedVersion` is no longer current',
    body: policyChangeBody,
    roles: [],
    cost: 'ordinary',
    note: 'admin only; recorded with the principal, the time, and the policy before and after; dispatch fields (class, weight, caps) are the operator’s (403)',
  },
  {
    method: 'GET',
    url: '/v1/tenant/policy/changes',
    summary: 'the caller’s tenant’s policy changes, newest first',
    query: policyChangesQuery,
    roles: ['audit'],
    cost: 'ordinary',
  },
  {
    method: 'GET',
    url: '/v1/tenant/budget',
    summary: 'the caller’s tenant’s spend against its budgets: today, this month, each user today, and the calls in flight',
    roles: ['audit'],
    cost: 'ordinary',
    note: 'only the caller’s own tenant; budgets are changed through `POST /v1/tenant/policy` (`budgets`)',
  },
  { method: 'GET', url: '/v1/reviews/pending', summary: 'runs of the tenant waiting for a reviewer', roles: ['review'], cost: 'ordinary' },
  {
    method: 'GET',
    url: '/v1/reviews/inbox',
    summary:
      'the inbox: waiting decisions of the tenant, filtered (gate, user, batch, provider, waiting time, timeout policy), earliest deadline first, a page at a time',
    query: inboxQuery,
    roles: ['review'],
    cost: 'ordinary',
  },
  {
    method: 'POST',
    url: '/v1/reviews/bulk',
    summary: 'one decision for up to 100 runs: each is signed, validated and answered on its own (200 with one outcome per run)',
    body: bulkReviewBody,
    roles: ['review'],
    cost: 'ordinary',
    note: 'a run the caller may not decide is refused alone (its own 404, 403 or 409); send Idempotency-Key to make a retry decide nothing twice',
  },
  {
    method: 'GET',
    url: '/review',
    summary: 'the reviewer’s inbox (HTML): filters, pages, bulk decisions, keys',
    query: inboxQuery,
    roles: ['review', 'audit'],
    cost: 'ordinary',
    signInPage: true,
    note: 'decisions from it still need review',
  },
  {
    method: 'GET',
    url: '/review/runs/:id',
    summary:
      'one waiting run (HTML): every candidate of every round with its verdicts, the checklist, the plan and sources, spend, time left; edit and re-render',
    params: idParam,
    query: runViewQuery,
    roles: ['review', 'audit'],
    cost: 'ordinary',
    signInPage: true,
    note: 'decisions from it still need review',
  },
  {
    method: 'GET',
    url: '/review/open',
    summary: 'a review link from a webhook (HTML): checks it and offers to open the review; changes nothing',
    query: reviewLinkQuery,
    roles: 'anyone',
    cost: 'ordinary',
    note: 'a link that was changed answers 400, one that expired or was used 410; the link itself is the credential to see this page',
  },
  {
    method: 'POST',
    url: '/review/open',
    summary: 'spend a review link and open its run view (303): single-use, for a signed-in reviewer of its tenant; decides nothing',
    body: reviewLinkBody,
    roles: ['review'],
    cost: 'ordinary',
    cookieWrites: true,
    signInPage: true,
    note: 'another tenant’s link answers 404; a form posted from another site 403',
  },
  { method: 'GET', url: '/review/login', summary: 'the sign-in form (HTML)', roles: 'anyone', cost: 'ordinary' },
  {
    method: 'POST',
    url: '/review/login',
    summary: 'exchange a token for the review page’s HttpOnly cookie (form post)',
    roles: 'anyone',
    cost: 'ordinary',
    note: 'refused with 403 from another site (`Origin`, `Sec-Fetch-Site`)',
  },
  {
    method: 'POST',
    url: '/codec/encode',
    summary: 'the codec server: encode payloads for the Temporal UI',
    roles: ['audit'],
    cost: 'codec',
    cookieWrites: true,
  },
  {
    method: 'POST',
    url: '/codec/decode',
    summary: 'the codec server: decode the tenant’s payloads for the Temporal UI',
    roles: ['audit'],
    cost: 'codec',
    cookieWrites: true,
  },
  { method: 'OPTIONS', url: '/codec/encode', summary: 'CORS preflight for the Temporal UI', roles: 'anyone', cost: 'free' },
  { method: 'OPTIONS', url: '/codec/decode', summary: 'CORS preflight for the Temporal UI', roles: 'anyone', cost: 'free' },
];

/** The rule of a route pattern (HEAD follows GET), or undefined. */
export function routeRule(method: string, url: string): RouteRule | undefined {
  const m = method === 'HEAD' ? 'GET' : method;
  return ROUTE_ROLES.find((r) => r.method === m && r.url === url);
}

/** The table as the README prints it. */
export function routeRolesMarkdown(): string {
  const rows = ROUTE_ROLES.map((r) => {
    const roles = r.roles === 'anyone' ? 'anyone' : [...r.roles, 'admin'].join(', ');
    return `| \`${r.method} ${r.url}\` | ${roles} | ${r.cost} | ${r.note ?? ''} |`;
  });
  return ['| route | roles (one of) | rate-limit class | note |', '| --- | --- | --- | --- |', ...rows].join('\n');
}
