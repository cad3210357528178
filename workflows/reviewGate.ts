/**
 * The human review gates of a run. Decisions arrive as Workflow Updates whose validators refuse stale,
 * duplicate, late or malformed decisions before anything is written to history; a signal of the same
 * shape is the fallback (an invalid signal cannot be refused, so it is recorded as ignored). The wait is a
 * durable timer: when it runs out, the request's timeout policy decides.
 */
import { ApplicationFailure, condition, setHandler, workflowInfo } from '@temporalio/workflow';
import { upsertChanged } from './audit';
import { signatureProblem, type ReviewAuth } from '../common/decisionSignature';
import { FOREIGN_PAYLOAD_PROBLEM, isForeignPayload } from '../common/foreignPayload';
import { FailureType } from '../common/failureTypes';
import type { ApprovalState, PendingReview, PlanReviewDecision, ReviewDecision, ReviewPolicy, ReviewRecord } from '../common/review';
import { durationMs } from '../common/duration';
import { Approval } from '../common/searchAttributes';
import { MAX_REJECTIONS, planDecisionProblem, resultDecisionProblem, timeoutDecision } from '../common/reviewRules';
import { planReviewSignal, planReviewUpdate, reviewSignal, reviewUpdate, type ReviewAccepted } from './generationMessages';

export type ResultOutcome =
  | { kind: 'approved'; record: ReviewRecord }
  | { kind: 'rejected_with_feedback'; record: ReviewRecord }
  | { kind: 'rejected' | 'expired'; record?: ReviewRecord };
export type PlanOutcome = { kind: 'approved'; decision: PlanReviewDecision } | { kind: 'rejected'; decision?: PlanReviewDecision };

export class ReviewGate {
  readonly decisions: ReviewRecord[] = [];
  readonly ignoredSignals: { at: string; reason: string }[] = [];
  pending?: PendingReview;
  approval: ApprovalState;
  /** Version-2 decision ids applied so far: a signed decision is applied once. */
  private readonly applied = new Set<string>();
  private resultDecision?: { decision: ReviewDecision; via: 'update' | 'signal' };
  private planDecision?: { decision: PlanReviewDecision; via: 'update' | 'signal' };

  constructor(
    private readonly policy: ReviewPolicy,
    private readonly singleImage: () => boolean,
    /** Signed decisions and the four-eyes rule, for runs the API started with a public key. */
    private readonly auth?: ReviewAuth,
  ) {
    this.approval = 'not_required';
  }

  install(): void {
    setHandler(reviewUpdate, (d) => this.acceptResult(d, 'update'), { validator: (d) => this.refuse(this.resultProblem(d)) });
    setHandler(planReviewUpdate, (d) => this.acceptPlan(d, 'update'), { validator: (d) => this.refuse(this.planProblem(d)) });
    setHandler(reviewSignal, (d) => {
      const problem = this.resultProblem(d);
      if (problem) this.ignoredSignals.push({ at: new Date().toISOString(), reason: problem });
      else this.acceptResult(d, 'signal');
    });
    setHandler(planReviewSignal, (d) => {
      const problem = this.planProblem(d);
      if (problem) this.ignoredSignals.push({ at: new Date().toISOString(), reason: problem });
      else this.acceptPlan(d, 'signal');
    });
  }

  /** Waits for the reviewer's decision on a candidate (or the timeout policy). */
  async awaitResult(candidateKey: string): Promise<ResultOutcome> {
    this.resultDecision = undefined;
    this.open({ kind: 'result', candidateKey });
    const decided = await this.wait(() => this.resultDecision !== undefined);
    this.pending = undefined;
    if (!decided) return this.timedOut('result', candidateKey);
    const { decision, via } = this.resultDecision!;
    const record: ReviewRecord = {
      kind: 'result',
      decision: decision.decision,
      candidateKey,
      feedback: decision.feedback,
      ...this.reviewerOf(decision),
      ...this.decisionIdOf(decision),
      at: new Date().toISOString(),
      via,
    };
    this.decisions.push(record);
    if (decision.decision === 'approve') {
      this.setApproval('approved');
      return { kind: 'approved', record };
    }
    const rejections = this.decisions.filter((d) => d.kind === 'result' && d.decision === 'reject').length;
    if (rejections >= MAX_REJECTIONS) {
      this.setApproval('rejected');
      return { kind: 'rejected', record };
    }
    return { kind: 'rejected_with_feedback', record };
  }

  async awaitPlan(): Promise<PlanOutcome> {
    this.open({ kind: 'plan' });
    const decided = await this.wait(() => this.planDecision !== undefined);
    this.pending = undefined;
    if (!decided) {
      const outcome = this.timedOut('plan');
      return outcome.kind === 'approved' ? { kind: 'approved', decision: { decision: 'approve' } } : { kind: 'rejected' };
    }
    const { decision, via } = this.planDecision!;
    this.decisions.push({
      kind: 'plan',
      decision: decision.decision,
      feedback: decision.feedback ?? decision.instructions,
      ...this.reviewerOf(decision),
      ...this.decisionIdOf(decision),
      at: new Date().toISOString(),
      via,
    });
    if (decision.decision === 'reject') {
      this.setApproval('plan_rejected');
      return { kind: 'rejected', decision };
    }
    this.setApproval(this.policy.required ? 'pending' : 'not_required');
    return { kind: 'approved', decision };
  }

  /** A durable timer when the policy has a timeout; otherwise waits as long as it takes. */
  private async wait(done: () => boolean): Promise<boolean> {
    if (!this.policy.timeout) {
      await condition(done);
      return true;
    }
    return condition(done, durationMs(this.policy.timeout));
  }

  setApproval(state: ApprovalState): void {
    this.approval = state;
    upsertChanged([{ key: Approval, value: state }]);
  }

  private open(pending: Omit<PendingReview, 'since' | 'deadline' | 'onTimeout'>): void {
    const since = Date.now();
    this.pending = {
      ...pending,
      since: new Date(since).toISOString(),
      onTimeout: this.policy.onTimeout,
      ...(this.policy.timeout ? { deadline: new Date(since + durationMs(this.policy.timeout)).toISOString() } : {}),
    };
    this.setApproval(pending.kind === 'plan' ? 'pending_plan' : 'pending');
  }

  private timedOut(kind: 'plan' | 'result', candidateKey?: string): ResultOutcome {
    const { record, approval, outcome } = timeoutDecision(this.policy, kind, candidateKey, new Date().toISOString());
    this.decisions.push(record);
    this.setApproval(approval);
    return { kind: outcome, record };
  }

  private acceptResult(decision: ReviewDecision, via: 'update' | 'signal'): ReviewAccepted {
    this.markApplied(decision);
    this.resultDecision = { decision, via };
    this.pending = undefined; // a second decision on the same candidate is now refused as a duplicate
    return { accepted: true, decision: decision.decision, next: decision.decision === 'approve' ? 'complete' : 'new_round' };
  }

  private acceptPlan(decision: PlanReviewDecision, via: 'update' | 'signal'): ReviewAccepted {
    this.markApplied(decision);
    this.planDecision = { decision, via };
    this.pending = undefined;
    return { accepted: true, decision: decision.decision, next: decision.decision === 'approve' ? 'render' : 'end' };
  }

  private refuse(problem: string | undefined): void {
    // A refusal is an answer, not a fault: non-retryable, typed, and it leaves no history.
    if (problem) throw ApplicationFailure.create({ type: FailureType.ReviewDecisionRefused, message: problem, nonRetryable: true });
  }

  /** The recorded reviewer: the signed principal, else (runs without review auth) the name sent. */
  private reviewerOf(d: ReviewDecision | PlanReviewDecision): { reviewer: string; signed?: true } {
    return this.auth && d.principal ? { reviewer: d.principal, signed: true } : { reviewer: d.reviewer ?? 'anonymous' };
  }

  private markApplied(d: ReviewDecision | PlanReviewDecision): void {
    if (this.auth?.version === 2 && typeof d.decisionId === 'string') this.applied.add(d.decisionId);
  }

  private decisionIdOf(d: ReviewDecision | PlanReviewDecision): { decisionId?: string } {
    return this.auth?.version === 2 && typeof d.decisionId === 'string' ? { decisionId: d.decisionId } : {};
  }

  /** Signature and four-eyes rules; no commands, so runs recorded before them replay unchanged. */
  private authProblem(kind: 'plan' | 'result', d: ReviewDecision | PlanReviewDecision): string | undefined {
    if (!this.auth) return undefined;
    const info = workflowInfo();
    const fields = {
      workflowId: info.workflowId,
      kind,
      decision: d.decision,
      candidateKey: kind === 'result' ? (d as ReviewDecision).candidateKey : undefined,
      feedback: d.feedback,
      instructions: kind === 'plan' ? (d as PlanReviewDecision).instructions : undefined,
      prompt: kind === 'plan' ? (d as PlanReviewDecision).prompt : undefined,
    };
    const bad = signatureProblem(this.auth, fields, d, { runId: info.runId, now: Date.now() });
    if (bad) return bad;
    if (this.auth.version === 2 && this.applied.has(d.decisionId!)) return `duplicate decision: decision ${d.decisionId} was already applied to this run`;
    if (this.auth.fourEyes && d.decision === 'approve' && d.principal === this.auth.requestedBy) {
      return `four-eyes policy: ${d.principal} requested this run and cannot approve it; another reviewer must`;
    }
    return undefined;
  }

  // A message another tenant encrypted (security/payloadCodec.ts) is refused before anything else is read of it.
  private resultProblem = (d: ReviewDecision): string | undefined =>
    isForeignPayload(d) ? FOREIGN_PAYLOAD_PROBLEM : (resultDecisionProblem(this, d) ?? this.authProblem('result', d));
  private planProblem = (d: PlanReviewDecision): string | undefined =>
    isForeignPayload(d) ? FOREIGN_PAYLOAD_PROBLEM : (planDecisionProblem(this, d, this.singleImage()) ?? this.authProblem('plan', d));
}
