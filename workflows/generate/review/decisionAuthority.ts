/**
 * Whether a review decision may be applied to this run, and whom it is recorded for: the signature (the
 * API's key), the run it was signed for, a decision id applied once, and the four-eyes rule. Pure checks
 * with no commands, so runs recorded before any of them replay unchanged.
 */
import { ApplicationFailure, workflowInfo } from '@temporalio/workflow';
import { FailureType } from '../../../common/failureTypes';
import { signatureProblem, signedFieldsOf, type ReviewAuth } from '../../../common/decisionSignature';
import type { PlanReviewDecision, ReviewDecision } from '../../../common/review';

type AnyDecision = ReviewDecision | PlanReviewDecision;

export class DecisionAuthority {
  /** Version-2 decision ids applied so far: a signed decision is applied once. */
  private readonly applied = new Set<string>();

  /** `auth` is set for runs the API started with a public key; without it any decision is taken as sent. */
  constructor(private readonly auth?: ReviewAuth) {}

  problem(kind: 'plan' | 'result', d: AnyDecision): string | undefined {
    if (!this.auth) return undefined;
    const info = workflowInfo();
    const fields = signedFieldsOf(info.workflowId, kind, d);
    const bad = signatureProblem(this.auth, fields, d, { runId: info.runId, now: Date.now() });
    if (bad) return bad;
    if (this.auth.version === 2 && this.applied.has(d.decisionId!)) return `duplicate decision: decision ${d.decisionId} was already applied to this run`;
    if (this.auth.fourEyes && d.decision === 'approve' && d.principal === this.auth.requestedBy) {
      return `four-eyes policy: ${d.principal} requested this run and cannot approve it; another reviewer must`;
    }
    return undefined;
  }

  markApplied(d: AnyDecision): void {
    if (this.auth?.version === 2 && typeof d.decisionId === 'string') this.applied.add(d.decisionId);
  }

  /** The recorded reviewer (the signed principal, else the name sent) and, for version 2, the decision id. */
  recordedAs(d: AnyDecision): { reviewer: string; signed?: true; decisionId?: string } {
    const reviewer = this.auth && d.principal ? { reviewer: d.principal, signed: true as const } : { reviewer: d.reviewer ?? 'anonymous' };
    return { ...reviewer, ...(this.auth?.version === 2 && typeof d.decisionId === 'string' ? { decisionId: d.decisionId } : {}) };
  }
}

/** An update validator's refusal is an answer, not a fault: non-retryable, typed, and it leaves no history. */
export function refuseDecision(problem: string | undefined): void {
  if (problem) throw ApplicationFailure.create({ type: FailureType.ReviewDecisionRefused, message: problem, nonRetryable: true });
}
