/** What a review gate ends in: the run's next step reads only this. */
import type { PlanReviewDecision, ReviewRecord } from '../../../common/review';

export type ResultOutcome =
  | { kind: 'approved'; record: ReviewRecord }
  | { kind: 'rejected_with_feedback'; record: ReviewRecord }
  /** A reviewer's edit: render once more with its prompt and/or checklist. */
  | { kind: 'edited'; record: ReviewRecord; prompt?: string; checklist?: string[] }
  | { kind: 'rejected' | 'expired'; record?: ReviewRecord };
export type PlanOutcome = { kind: 'approved'; decision: PlanReviewDecision } | { kind: 'rejected'; decision?: PlanReviewDecision };
