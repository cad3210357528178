/**
 * Review rules that belong to the tenant, not to the request. For a four-eyes tenant a reviewer other than
 * the requester must approve, so the requester cannot skip that with the request's own policy: review is
 * required, a wait that runs out expires the run instead of approving the best candidate, and the wait
 * lasts at least the tenant's floor. The client refuses a request that asks otherwise (the requester learns
 * why), and the run applies the same rules to whatever input it was started with. Pure: workflow code imports it.
 */
import { durationMs } from './duration';
import type { ReviewPolicy } from './review';

export interface TenantReviewRules {
  fourEyes: boolean;
  /** The shortest review wait the tenant allows ("1 hour"); absent: no floor. */
  minTimeout?: string;
}

/** Why a requested policy breaks the tenant's rules, or undefined. */
export function reviewPolicyProblem(requested: ReviewPolicy, rules: TenantReviewRules): string | undefined {
  if (!rules.fourEyes) return undefined;
  if (!requested.required) return 'this tenant requires four-eyes review: review.required cannot be false';
  if (requested.onTimeout === 'approve_best') return 'this tenant requires four-eyes review: review.onTimeout cannot be approve_best (use expire or reject)';
  if (rules.minTimeout && requested.timeout && durationMs(requested.timeout) < durationMs(rules.minTimeout)) {
    return `this tenant requires four-eyes review: review.timeout must be at least ${rules.minTimeout}`;
  }
  return undefined;
}

/** The policy a run of the tenant runs under, whatever was asked. */
export function enforcedReviewPolicy(requested: ReviewPolicy, rules: TenantReviewRules): ReviewPolicy {
  if (!rules.fourEyes) return requested;
  const tooShort = rules.minTimeout && requested.timeout && durationMs(requested.timeout) < durationMs(rules.minTimeout);
  return {
    ...requested,
    required: true,
    onTimeout: requested.onTimeout === 'approve_best' ? 'expire' : requested.onTimeout,
    ...(tooShort ? { timeout: rules.minTimeout } : {}),
  };
}

/** Whether two policies say the same thing (the run changes its own only when the rules change it). */
export function samePolicy(a: ReviewPolicy, b: ReviewPolicy): boolean {
  return a.required === b.required && a.onTimeout === b.onTimeout && a.timeout === b.timeout && a.planApproval === b.planApproval;
}
