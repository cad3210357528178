/**
 * The one place a run's options are decided: what the request asked for, clamped by its tenant's policy. Every
 * start path calls it (the API and the CLI in client/generations.ts, session turns, batch cases, and an image
 * set's children through their parent), and every clamp is reported, never silent: the start's answer lists
 * them, and the run's report and memo name the policy version. What nobody asked for (the configured default)
 * is raised to the rules without a report. Pure: workflows call it for their turns and cases.
 */
import { durationMs } from './duration';
import { DEFAULT_OPTIONS, type Ablations, type GenerateOptions } from './request';
import type { ReviewPolicy } from './review';
import type { AblationName, VersionedTenantPolicy } from './tenantPolicy';

/** One thing the request asked for that the tenant's policy changed. */
export interface Clamp {
  /** The request's field, as the API spells it: `options.maxRounds`, `review.required`. */
  field: string;
  requested: string | number | boolean;
  applied: string | number | boolean;
  /** The policy rule that applied, for the message. */
  rule: string;
}

export interface RequestedRun {
  options?: Partial<GenerateOptions>;
  /** Absent: the request asked for nothing, and the configured default applies. */
  review?: ReviewPolicy;
}

export interface ResolvedRun {
  options: Partial<GenerateOptions>;
  review: ReviewPolicy;
  policyVersion: number;
  clamped: Clamp[];
}

export function resolveRunOptions(tenant: VersionedTenantPolicy, requested: RequestedRun, defaultReview: ReviewPolicy): ResolvedRun {
  const { policy } = tenant;
  const clamped: Clamp[] = [];
  const options: Partial<GenerateOptions> = { ...requested.options };

  const rounds = requested.options?.maxRounds;
  if (rounds !== undefined && rounds > policy.maxRounds) {
    clamped.push({ field: 'options.maxRounds', requested: rounds, applied: policy.maxRounds, rule: `at most ${policy.maxRounds} rounds` });
  }
  if ((rounds ?? DEFAULT_OPTIONS.maxRounds) > policy.maxRounds) options.maxRounds = policy.maxRounds;

  const images = requested.options?.maxImages;
  if (images !== undefined && images > policy.maxImages) {
    clamped.push({ field: 'options.maxImages', requested: images, applied: policy.maxImages, rule: `at most ${policy.maxImages} images per request` });
  }
  options.maxImages = Math.min(images ?? policy.maxImages, policy.maxImages);

  if (requested.options?.ablations) {
    const kept: Ablations = {};
    for (const [name, on] of Object.entries(requested.options.ablations) as [AblationName, boolean | undefined][]) {
      if (!on) continue;
      if (policy.allowedAblations.includes(name)) kept[name] = true;
      else clamped.push({ field: `options.ablations.${name}`, requested: true, applied: false, rule: `ablation ${name} is not allowed` });
    }
    options.ablations = kept;
  }

  // A request can narrow the providers the tenant allows, never widen them.
  const allowed = policy.allowedProviders;
  const asked = requested.options?.providers;
  if (allowed) {
    const kept = asked?.filter((p) => allowed.includes(p)) ?? [];
    if (asked && kept.length < asked.length)
      clamped.push({
        field: 'options.providers',
        requested: asked.join(','),
        applied: (kept.length ? kept : allowed).join(','),
        rule: `providers allowed: ${allowed.join(', ')}`,
      });
    options.providers = kept.length ? kept : [...allowed];
  }

  const review = reviewUnderPolicy(requested.review, defaultReview, tenant, clamped);
  return { options, review, policyVersion: tenant.version, clamped };
}

function reviewUnderPolicy(requested: ReviewPolicy | undefined, defaults: ReviewPolicy, tenant: VersionedTenantPolicy, clamped: Clamp[]): ReviewPolicy {
  const rules = tenant.policy.review;
  const asked = requested ?? defaults;
  const report = (clamp: Clamp): void => {
    if (requested) clamped.push(clamp);
  };
  const review: ReviewPolicy = { ...asked };
  const requiredBy = rules.fourEyes ? 'four-eyes review' : rules.required ? 'review is required' : undefined;
  if (requiredBy && !asked.required) {
    review.required = true;
    report({ field: 'review.required', requested: false, applied: true, rule: requiredBy });
  }
  if (asked.onTimeout === 'approve_best' && (rules.fourEyes || !rules.allowApproveBestOnTimeout)) {
    review.onTimeout = 'expire';
    report({
      field: 'review.onTimeout',
      requested: 'approve_best',
      applied: 'expire',
      rule: rules.fourEyes ? 'four-eyes review' : 'approve_best is not allowed',
    });
  }
  if (rules.minTimeout && asked.timeout && durationMs(asked.timeout) < durationMs(rules.minTimeout)) {
    review.timeout = rules.minTimeout;
    report({ field: 'review.timeout', requested: asked.timeout, applied: rules.minTimeout, rule: `reviews wait at least ${rules.minTimeout}` });
  }
  // The tenant's reminder share is a default the request may change; its escalation is the tenant's alone.
  if (review.remindAt === undefined && rules.remindAt !== undefined) review.remindAt = rules.remindAt;
  if (rules.escalation && review.timeout) review.escalation = rules.escalation;
  return review;
}

/** The clamps in one line each, for the CLI and logs. */
export function describeClamps(clamped: readonly Clamp[]): string[] {
  return clamped.map((c) => `${c.field}: asked ${String(c.requested)}, got ${String(c.applied)} (tenant policy: ${c.rule})`);
}
