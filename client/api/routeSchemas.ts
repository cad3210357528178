/**
 * What each API route accepts, validated once at the edge: the server parses with these, and the OpenAPI
 * document (openApi.ts) is generated from the same schemas, which the routes' table (routeRoles.ts) names.
 */
import { z } from 'zod';
import { generateRequestSchema, safeText } from '../../common/requestSchema';
import { MAX_EDITED_CHECKLIST_ITEMS, REVIEW_TEXT_LIMITS } from '../../common/reviewRules';
import { BULK_REVIEW_MAX_RUNS } from '../bulkReview';

const runId = z.string().regex(/^[A-Za-z0-9._:@-]{1,200}$/, 'not a run id');

export const startBody = generateRequestSchema.omit({ tenantId: true });

export const reviewBody = z
  .object({
    // edit: render the candidate once more with `prompt` and/or `checklist` (one render, one critique).
    decision: z.enum(['approve', 'reject', 'edit']),
    candidateKey: safeText(REVIEW_TEXT_LIMITS.candidateKey).pipe(z.string().min(1)),
    feedback: safeText(REVIEW_TEXT_LIMITS.feedback).optional(),
    prompt: safeText(REVIEW_TEXT_LIMITS.prompt).pipe(z.string().trim().min(1)).optional(),
    checklist: z
      .array(safeText(REVIEW_TEXT_LIMITS.checklistItem).pipe(z.string().trim().min(1)))
      .min(1)
      .max(MAX_EDITED_CHECKLIST_ITEMS)
      .optional(),
    // approve: deliver this earlier candidate of the run instead of the one under review (single-image runs).
    chosenKey: safeText(REVIEW_TEXT_LIMITS.candidateKey).pipe(z.string().min(1)).optional(),
    reviewer: safeText(REVIEW_TEXT_LIMITS.reviewer).pipe(z.string().min(1)).optional(),
  })
  .strict()
  .refine((b) => (b.decision === 'edit') === (b.prompt !== undefined || b.checklist !== undefined), {
    message: 'an edit sends prompt and/or checklist, and only an edit does',
  })
  .refine((b) => b.chosenKey === undefined || b.decision === 'approve', { message: 'chosenKey goes with an approval', path: ['chosenKey'] });
export const planReviewBody = z
  .object({
    decision: z.enum(['approve', 'reject']),
    instructions: safeText(REVIEW_TEXT_LIMITS.instructions).optional(),
    prompt: safeText(REVIEW_TEXT_LIMITS.prompt).pipe(z.string().min(1)).optional(),
    feedback: safeText(REVIEW_TEXT_LIMITS.feedback).optional(),
    reviewer: safeText(REVIEW_TEXT_LIMITS.reviewer).pipe(z.string().min(1)).optional(),
  })
  .strict();
/** A reviewer's question to the agent about a waiting run (the respond action): answered from the run's context, decides nothing. */
export const questionBody = z
  .object({
    question: safeText(REVIEW_TEXT_LIMITS.question).pipe(z.string().trim().min(1, 'the question is empty')),
    reviewer: safeText(REVIEW_TEXT_LIMITS.reviewer).pipe(z.string().min(1)).optional(),
  })
  .strict();
/** An admin's decision for a run paused at its budget gate (the principal is the recorded decider). */
export const budgetGateBody = z.object({ decision: z.enum(['resume', 'stop']), reason: safeText(500).optional() }).strict();
export const idParam = z.object({ id: runId });
/** The inbox's filters and page (GET /review, GET /v1/reviews/inbox); an empty form field is no filter. */
export const inboxQuery = z
  .object({
    gate: z.enum(['plan', 'result']).optional(),
    user: z.string().min(1).max(128).optional(),
    batch: runId.optional(),
    provider: z
      .string()
      .regex(/^[A-Za-z0-9+:_.-]{1,100}$/, 'not a provider name')
      .optional(),
    waitingMinutes: z.coerce.number().int().min(0).max(525_600).optional(),
    onTimeout: z.enum(['approve_best', 'reject', 'expire']).optional(),
    flag: z.enum(['reminded', 'escalated']).optional(),
    page: z.coerce.number().int().min(1).max(10_000).default(1),
    pageSize: z.coerce.number().int().min(1).max(100).default(20),
  })
  .strict();

/** One decision for many runs (the inbox's bulk action): each run is decided, signed and answered on its own. */
export const bulkReviewBody = z
  .object({
    decision: z.enum(['approve', 'reject']),
    feedback: safeText(REVIEW_TEXT_LIMITS.feedback).optional(),
    runs: z
      .array(
        z
          .object({
            workflowId: runId,
            gate: z.enum(['plan', 'result']),
            candidateKey: safeText(REVIEW_TEXT_LIMITS.candidateKey).pipe(z.string().min(1)).optional(),
          })
          .strict()
          .refine((r) => r.gate === 'plan' || r.candidateKey !== undefined, 'a result decision names the candidateKey the reviewer saw'),
      )
      .min(1)
      .max(BULK_REVIEW_MAX_RUNS)
      .refine((runs) => new Set(runs.map((r) => r.workflowId)).size === runs.length, 'a run appears twice'),
  })
  .strict();

/** A review link's token (security/reviewLinks.ts): base64url claims, a dot, a base64url MAC. */
const reviewLinkToken = z
  .string()
  .max(4096)
  .regex(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/, 'not a review link');
export const reviewLinkQuery = z.object({ link: reviewLinkToken }).strict();
export const reviewLinkBody = z.object({ link: reviewLinkToken }).strict();

/** The run view's query: `edit=1` opens it at the edit form. */
export const runViewQuery = z.object({ edit: z.enum(['1']).optional() }).strict();

export const listQuery = z.object({ limit: z.coerce.number().int().min(1).max(100).default(20), user: z.string().max(128).optional() });

/** A change to the caller's tenant's policy (admin): the fields to change, and optionally the version it expects. */
export { tenantPolicyChangeSchema as policyChangeBody } from '../../common/tenantPolicySchema';
export const policyChangesQuery = z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }).strict();
