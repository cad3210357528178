/**
 * What a session turn's GenerateImage child is started with. A turn that came with its tenant's policy runs under
 * it (resolved when the turn was accepted, common/resolveRunOptions.ts); a turn from an older client runs under the
 * session's options, as turns always did.
 */
import type { ReviewAuth } from '../../common/decisionSignature';
import type { GenerateImageInput } from '../../common/request';
import { resolveRunOptions, type ResolvedRun } from '../../common/resolveRunOptions';
import { NO_REVIEW } from '../../common/review';
import type { TenantReviewPolicy } from '../../common/tenantPolicy';
import type { SessionInput } from './session';
import type { QueuedTurn, TurnRequest } from './sessionMessages';

/** The session's options and the turn's, clamped by the tenant policy the turn's client read; none without one. */
export function resolveTurn(input: SessionInput, turn: TurnRequest): ResolvedRun | undefined {
  return turn.policy ? resolveRunOptions(turn.policy, { options: { ...input.options, ...turn.options } }, input.review ?? NO_REVIEW) : undefined;
}

/** A turn's options, review and review auth: under the tenant policy it came with, else the session's as they were. */
export function turnOptions(input: SessionInput, turn: QueuedTurn): Pick<GenerateImageInput, 'options' | 'review' | 'reviewAuth' | 'policy'> {
  if (!turn.resolved || !turn.policy) {
    return {
      options: { ...input.options, ...turn.options },
      ...(input.review ? { review: input.review } : {}),
      ...(input.reviewAuth ? { reviewAuth: input.reviewAuth } : {}),
    };
  }
  const rules = turn.policy.policy.review;
  return {
    options: turn.resolved.options,
    review: turn.resolved.review,
    // Four-eyes follows the policy of the turn, not the one the session started under.
    ...(input.reviewAuth ? { reviewAuth: underFourEyesRule(input.reviewAuth, rules) } : {}),
    policy: { version: turn.resolved.policyVersion, clamped: turn.resolved.clamped },
  };
}

/** The session's review auth with the four-eyes rule of the turn's policy, not the one the session started under. */
function underFourEyesRule(auth: ReviewAuth, rules: TenantReviewPolicy): ReviewAuth {
  const { minTimeout: _, ...rest } = auth;
  return { ...rest, fourEyes: rules.fourEyes, ...(rules.fourEyes && rules.minTimeout ? { minTimeout: rules.minTimeout } : {}) };
}
