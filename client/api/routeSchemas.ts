/**
 * What each API route accepts, validated once at the edge: the server parses with these, and the OpenAPI
 * document (openApi.ts) is generated from the same schemas, so the two cannot drift.
 */
import { z } from 'zod';
import { generateRequestSchema, safeText } from '../../common/requestSchema';
import { REVIEW_TEXT_LIMITS } from '../../common/reviewRules';

export const startBody = generateRequestSchema.omit({ tenantId: true });

export const reviewBody = z
  .object({
    decision: z.enum(['approve', 'reject']),
    candidateKey: safeText(REVIEW_TEXT_LIMITS.candidateKey).pipe(z.string().min(1)),
    feedback: safeText(REVIEW_TEXT_LIMITS.feedback).optional(),
    reviewer: safeText(REVIEW_TEXT_LIMITS.reviewer).pipe(z.string().min(1)).optional(),
  })
  .strict();
export const planReviewBody = z
  .object({
    decision: z.enum(['approve', 'reject']),
    instructions: safeText(REVIEW_TEXT_LIMITS.instructions).optional(),
    prompt: safeText(REVIEW_TEXT_LIMITS.prompt).pipe(z.string().min(1)).optional(),
    feedback: safeText(REVIEW_TEXT_LIMITS.feedback).optional(),
    reviewer: safeText(REVIEW_TEXT_LIMITS.reviewer).pipe(z.string().min(1)).optional(),
  })
  .strict();
export const idParam = z.object({ id: z.string().regex(/^[A-Za-z0-9._:@-]{1,200}$/, 'not a run id') });
export const listQuery = z.object({ limit: z.coerce.number().int().min(1).max(100).default(20), user: z.string().max(128).optional() });

/** Each route's schemas and what it does, by "METHOD /url" (client/api/routeRoles.ts lists who may call it). */
export const ROUTE_DOCS: Record<string, { summary: string; body?: z.ZodType; query?: z.ZodType; params?: z.ZodType }> = {
  'GET /healthz': { summary: 'liveness' },
  'GET /readyz': { summary: 'readiness: 503 while the server drains' },
  'GET /openapi.json': { summary: 'this document' },
  'POST /v1/generations': {
    summary: 'start a generation (202 with its workflow id); send Idempotency-Key (or X-Request-Id) to make a retry the same run',
    body: startBody,
  },
  'POST /v1/uploads': { summary: 'upload a reference image (PNG, JPEG, WebP or GIF bytes as the body); 201 with its uploadId and key' },
  'GET /v1/generations': { summary: 'recent runs of the tenant', query: listQuery },
  'GET /v1/generations/:id': { summary: 'a run: stage, round, candidates, verdicts, pending review, usage', params: idParam },
  'GET /v1/generations/:id/report': { summary: 'the run report: plan, evidence with sources, prompts, verdicts, decisions, cost, timings', params: idParam },
  'POST /v1/generations/:id/review': {
    summary: 'approve or reject the candidate under review (409 with the reason when refused)',
    params: idParam,
    body: reviewBody,
  },
  'POST /v1/generations/:id/plan-review': {
    summary: 'approve, edit or reject the plan of a run waiting before rendering',
    params: idParam,
    body: planReviewBody,
  },
  'POST /v1/generations/:id/cancel': { summary: 'cancel a run at any stage; it still writes its report', params: idParam },
  'GET /v1/reviews/pending': { summary: 'runs of the tenant waiting for a reviewer' },
  'GET /review': { summary: 'the review page (HTML)' },
  'GET /review/login': { summary: 'the sign-in form (HTML)' },
  'POST /review/login': { summary: 'exchange a token for the review page’s HttpOnly cookie (form post)' },
  'POST /codec/encode': { summary: 'the codec server: encode payloads for the Temporal UI' },
  'POST /codec/decode': { summary: 'the codec server: decode the tenant’s payloads for the Temporal UI' },
  'OPTIONS /codec/encode': { summary: 'CORS preflight for the Temporal UI' },
  'OPTIONS /codec/decode': { summary: 'CORS preflight for the Temporal UI' },
};
