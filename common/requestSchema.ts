/** The edge validation of a generation request (CLI, HTTP API, batch files): once, here, with clear messages. */
import { providerListSchema } from './providerName';
import { z } from 'zod';
import { DURATION_PATTERN, durationMs } from './duration';
import { TEXT_LIMITS, textProblem } from './textLimits';
import { FailureType } from './failureTypes';
import { ImageAgentError } from './imageAgentError';

const id = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9._:@-]+$/, 'use letters, digits and . _ : @ - only');

/** Text a store can hold: no NUL or other control characters, valid Unicode, within its limit. */
export function safeText(max: number) {
  return z.string().superRefine((text, ctx) => {
    const problem = textProblem(text, max);
    if (problem) ctx.addIssue({ code: 'custom', message: `the text ${problem}` });
  });
}

/** Durations as Temporal reads them: "90 seconds", "24 hours", "2d", "1500ms". */
export const durationSchema = z.string().regex(DURATION_PATTERN, 'a duration such as "90 seconds" or "24 hours"');

/** How long a run waits out a dependency's outage before a stage gives up (docs/operations.md, "Outages"). */
export const outageWindowSchema = durationSchema.refine(
  (d) => durationMs(d) >= 60_000 && durationMs(d) <= 7 * 86_400_000,
  'the outage window must be between 1 minute and 7 days',
);

const ablationsSchema = z
  .object({
    noReason: z.boolean().optional(),
    noSearch: z.boolean().optional(),
    noMemory: z.boolean().optional(),
    noFeedback: z.boolean().optional(),
    direct: z.boolean().optional(),
  })
  .strict();

const generateOptionsSchema = z
  .object({
    maxRounds: z.number().int().min(1).max(10).optional(),
    size: z
      .string()
      .regex(/^\d{2,5}x\d{2,5}$/, 'size must look like 1024x1024')
      .optional(),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .optional(),
    ablations: ablationsSchema.optional(),
    outageWindow: outageWindowSchema.optional(),
    budgetUsd: z.number().positive().max(1_000_000).optional(),
    providers: providerListSchema.optional(),
  })
  .strict();

const reviewPolicySchema = z
  .object({
    required: z.boolean(),
    planApproval: z.boolean().optional(),
    timeout: durationSchema.optional(),
    onTimeout: z.enum(['approve_best', 'reject', 'expire']).default('expire'),
    /** When to remind, as a share of the deadline (0.5: halfway; 0: no reminder). */
    remindAt: z.number().min(0).max(0.95).optional(),
  })
  .strict();

export const generateRequestSchema = z
  .object({
    request: safeText(TEXT_LIMITS.request).pipe(z.string().trim().min(1, 'the request is empty')),
    tenantId: id,
    userId: id,
    sessionId: id.optional(),
    inputImageKeys: z
      .array(safeText(TEXT_LIMITS.objectKey).pipe(z.string().min(1)))
      .max(8)
      .optional(),
    options: generateOptionsSchema.optional(),
    review: reviewPolicySchema.optional(),
    webhookUrl: z
      .url({ protocol: /^https?$/, error: 'webhookUrl must be an http(s) URL' })
      .max(2048)
      .optional(),
  })
  .strict();

export type GenerateRequest = z.infer<typeof generateRequestSchema>;

/** A request refused for what it holds (the API answers 400, or the status given). */
export class InvalidRequestError extends ImageAgentError {
  override name = 'InvalidRequestError';
  constructor(message: string, httpStatus = 400) {
    super(message, { failureType: FailureType.InvalidInput, retryable: false, httpStatus });
  }
}

export function parseGenerateRequest(value: unknown): GenerateRequest {
  const parsed = generateRequestSchema.safeParse(value);
  if (!parsed.success) {
    throw new InvalidRequestError(`invalid request: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(request)'}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}
