/** What a review gate ends in: the run's next step reads only this. */
import type { PlanReviewDecision, ReviewRecord } from '../../../common/review';

export type ResultOutcome =
  | { kind: 'approved'; record: ReviewRecord }
  | { kind: 'rejected_with_feedback'; record: ReviewRecord }
  | { kind: 'rejected' | 'expired'; record?: ReviewRecord };
export type PlanOutcome = { kind: 'approved'; decision: PlanReviewDecision } | { kind: 'rejected'; decision?: PlanReviewDecision };
