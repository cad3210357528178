/**
 * A tenant policy as it arrives from outside (the API's body, the CLI's flags, a stored row): validated once,
 * at the edge. A change is a partial policy, merged over the tenant's current one and then validated whole,
 * so a change can never leave a policy that breaks its own rules (four-eyes with approve_best, say).
 */
import { z } from 'zod';
import { providerListSchema } from './providerName';
import { durationSchema } from './requestSchema';
import { PRINCIPAL_NAME } from './principals';
import { ABLATION_NAMES, BUDGET_ACTIONS, PRIORITY_CLASSES, type TenantPolicy } from './tenantPolicy';

const reviewSchema = z
  .object({
    required: z.boolean(),
    fourEyes: z.boolean(),
    minTimeout: durationSchema.optional(),
    allowApproveBestOnTimeout: z.boolean(),
    remindAt: z.number().min(0).max(0.95).optional(),
    escalation: z
      .object({
        reviewers: z.array(z.string().regex(PRINCIPAL_NAME, 'a reviewer is a principal name')).min(1).max(20),
        timeout: durationSchema,
      })
      .strict()
      .optional(),
  })
  .strict();

const usd = z.number().positive().max(1_000_000_000);
const alertWebhookUrl = z.url({ protocol: /^https?$/, error: 'alertWebhookUrl must be an http(s) URL' }).max(2048);

export const budgetsSchema = z
  .object({
    dailyUsd: usd.optional(),
    monthlyUsd: usd.optional(),
    userDailyUsd: usd.optional(),
    runUsd: usd.optional(),
    batchUsd: usd.optional(),
    onExceeded: z.enum(BUDGET_ACTIONS),
    softLimitPercent: z.number().int().min(1).max(100),
    alertWebhookUrl: alertWebhookUrl.optional(),
  })
  .strict();

/** A budget change: `null` removes a limit; the action and warning share keep their values unless given. */
const budgetsChangeSchema = z
  .object({
    dailyUsd: usd.nullable(),
    monthlyUsd: usd.nullable(),
    userDailyUsd: usd.nullable(),
    runUsd: usd.nullable(),
    batchUsd: usd.nullable(),
    onExceeded: z.enum(BUDGET_ACTIONS),
    softLimitPercent: z.number().int().min(1).max(100),
    alertWebhookUrl: alertWebhookUrl.nullable(),
  })
  .partial()
  .strict();

export const tenantPolicySchema = z
  .object({
    review: reviewSchema,
    maxRounds: z.number().int().min(1).max(10),
    maxImages: z.number().int().min(1).max(12),
    allowedAblations: z.array(z.enum(ABLATION_NAMES)).max(ABLATION_NAMES.length),
    priorityClass: z.enum(PRIORITY_CLASSES),
    fairnessWeight: z.number().min(0.01).max(1000),
    maxQueuedRuns: z.number().int().min(1).max(1_000_000),
    maxOpenRuns: z.number().int().min(1).max(1_000_000),
    budgets: budgetsSchema.optional(),
    allowedProviders: providerListSchema.optional(),
  })
  .strict()
  .refine((p) => !(p.review.fourEyes && p.review.allowApproveBestOnTimeout), {
    message: 'a four-eyes tenant cannot allow approve_best on timeout (a second person must decide)',
    path: ['review', 'allowApproveBestOnTimeout'],
  }) satisfies z.ZodType<TenantPolicy>;

export const tenantPolicyChangeSchema = z
  .object({
    /** `minTimeout: null` removes the floor; `remindAt: null` and `escalation: null` go back to halfway and none. */
    review: reviewSchema
      .extend({ minTimeout: durationSchema.nullable(), remindAt: reviewSchema.shape.remindAt.nullable(), escalation: reviewSchema.shape.escalation.nullable() })
      .partial()
      .strict()
      .optional(),
    maxRounds: z.number().int().min(1).max(10).optional(),
    maxImages: z.number().int().min(1).max(12).optional(),
    allowedAblations: z.array(z.enum(ABLATION_NAMES)).max(ABLATION_NAMES.length).optional(),
    priorityClass: z.enum(PRIORITY_CLASSES).optional(),
    fairnessWeight: z.number().min(0.01).max(1000).optional(),
    maxQueuedRuns: z.number().int().min(1).max(1_000_000).optional(),
    maxOpenRuns: z.number().int().min(1).max(1_000_000).optional(),
    budgets: budgetsChangeSchema.optional(),
    /** `null`: every configured provider again. */
    allowedProviders: providerListSchema.nullable().optional(),
    /** Optimistic concurrency: the change applies only if the policy is still at this version. */
    expectedVersion: z.number().int().min(0).optional(),
  })
  .strict()
  .refine((c) => Object.keys(c).some((k) => k !== 'expectedVersion'), 'the change sets nothing');
export type TenantPolicyChange = z.infer<typeof tenantPolicyChangeSchema>;

/** The policy after a change: the change merged over the current policy, then checked whole. */
export function applyPolicyChange(current: TenantPolicy, change: TenantPolicyChange): z.ZodSafeParseResult<TenantPolicy> {
  const { expectedVersion: _, review, budgets, ...rest } = change;
  // Turning four-eyes on turns approve_best off unless the change says otherwise (and then it is refused below).
  const implied = review?.fourEyes === true && review.allowApproveBestOnTimeout === undefined ? { allowApproveBestOnTimeout: false } : {};
  const merged = { ...current.review, ...implied, ...review };
  for (const key of ['minTimeout', 'remindAt', 'escalation'] as const) if (merged[key] === null) delete merged[key];
  const mergedBudgets = budgets ? withoutNulls({ onExceeded: 'fail', softLimitPercent: 80, ...current.budgets, ...budgets }) : current.budgets;
  const { allowedProviders, ...others } = rest;
  const next = withoutNulls({ ...current, ...others, allowedProviders: allowedProviders === undefined ? current.allowedProviders : allowedProviders });
  return tenantPolicySchema.safeParse({ ...next, review: merged, ...(mergedBudgets ? { budgets: mergedBudgets } : {}) });
}

function withoutNulls<T extends object>(o: T): { [K in keyof T]: Exclude<T[K], null> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null)) as { [K in keyof T]: Exclude<T[K], null> };
}
