/**
 * Review rules that belong to the tenant, not to the request. For a four-eyes tenant a reviewer other than
 * the requester must approve, so the requester cannot skip that with the request's own policy: review is
 * required, a wait that runs out expires the run instead of approving the best candidate, and the wait
 * lasts at least the tenant's floor. The client clamps a request that asks otherwise and says so
 * (common/resolveRunOptions.ts); the run applies the same rules to whatever input it was started with.
 * Pure: workflow code imports it.
 */
import { durationMs } from './duration';
import type { ReviewPolicy } from './review';

export interface TenantReviewRules {
  fourEyes: boolean;
  /** The shortest review wait the tenant allows ("1 hour"); absent: no floor. */
  minTimeout?: string;
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
