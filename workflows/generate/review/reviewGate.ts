/**
 * The human review gates of a run. Decisions arrive as Workflow Updates whose validators refuse stale,
 * duplicate, late or malformed decisions before anything is written to history; a signal of the same
 * shape is the fallback (an invalid signal cannot be refused, so it is recorded as ignored). The wait is a
 * durable timer that reminds and may escalate (reviewClock.ts); when it runs out, the timeout policy decides.
 */
import { setHandler } from '@temporalio/workflow';
import { upsertChanged } from '../audit';
import type { ReviewAuth } from '../../../common/decisionSignature';
import { DecisionAuthority, refuseDecision } from './decisionAuthority';
import { editOutcome, planRecord, resultRecord, type PlanOutcome, type ResultOutcome } from './reviewOutcome';
import { FOREIGN_PAYLOAD_PROBLEM, isForeignPayload } from '../../../common/foreignPayload';
import type { ApprovalState, PendingReview, PlanReviewDecision, ReviewDecision, ReviewPolicy, ReviewRecord } from '../../../common/review';
import { ReviewClock, type ReviewWaitEvent } from './reviewClock';
import { Approval } from '../../../common/searchAttributes';
import { escalationProblem, planDecisionProblem, resultOutcomeKind, resultDecisionProblem, timeoutDecision } from '../../../common/reviewRules';
import { planReviewSignal, planReviewUpdate, reviewSignal, reviewUpdate, type ReviewAccepted } from '../generationMessages';
import { ReviewWaitMemo } from './reviewWaitMemo';

export class ReviewGate {
  readonly decisions: ReviewRecord[] = [];
  readonly ignoredSignals: { at: string; reason: string }[] = [];
  pending?: PendingReview;
  approval: ApprovalState = 'not_required';
  private readonly authority: DecisionAuthority;
  private resultDecision?: { decision: ReviewDecision; via: 'update' | 'signal' };
  private planDecision?: { decision: PlanReviewDecision; via: 'update' | 'signal' };
  private readonly memo = new ReviewWaitMemo();
  private readonly clock: ReviewClock;
  /** Told of each reminder and escalation (the run's webhook). */ onWaitEvent?: (event: ReviewWaitEvent, pending: PendingReview) => void;

  constructor(
    private readonly policy: ReviewPolicy,
    /** Whether the run makes one image, and its candidates' keys so far (what a decision may name). */
    private readonly shape: () => { singleImage: boolean; candidateKeys: string[] },
    /** Signed decisions and the four-eyes rule, for runs the API started with a public key. */
    auth?: ReviewAuth,
  ) {
    this.authority = new DecisionAuthority(auth);
    this.clock = new ReviewClock(policy, (event, change) => {
      if (!this.pending) return; // decided in the same task
      this.pending = { ...this.pending, ...change };
      this.memo.update(this.pending);
      this.onWaitEvent?.(event, this.pending);
    });
  }

  install(): void {
    setHandler(reviewUpdate, (d) => this.acceptResult(d, 'update'), { validator: (d) => refuseDecision(this.resultProblem(d)) });
    setHandler(planReviewUpdate, (d) => this.acceptPlan(d, 'update'), { validator: (d) => refuseDecision(this.planProblem(d)) });
    setHandler(reviewSignal, (d) => this.fromSignal(this.resultProblem(d), () => this.acceptResult(d, 'signal')));
    setHandler(planReviewSignal, (d) => this.fromSignal(this.planProblem(d), () => this.acceptPlan(d, 'signal')));
  }

  /** Waits for the reviewer's decision on a candidate (or the timeout policy). */
  async awaitResult(candidateKey: string): Promise<ResultOutcome> {
    this.resultDecision = undefined;
    this.open({ kind: 'result', candidateKey });
    const decided = await this.clock.wait(() => this.resultDecision !== undefined);
    this.close();
    if (!decided) return this.timedOut('result', candidateKey);
    const { decision, via } = this.resultDecision!;
    const record = resultRecord(decision, candidateKey, this.authority.recordedAs(decision), via);
    this.decisions.push(record);
    const kind = resultOutcomeKind(this.decisions, decision.decision);
    if (kind === 'edited') return editOutcome(record, decision);
    if (kind !== 'rejected_with_feedback') this.setApproval(kind);
    return { kind, record };
  }

  async awaitPlan(): Promise<PlanOutcome> {
    this.open({ kind: 'plan' });
    const decided = await this.clock.wait(() => this.planDecision !== undefined);
    this.close();
    if (!decided) {
      const outcome = this.timedOut('plan');
      return outcome.kind === 'approved' ? { kind: 'approved', decision: { decision: 'approve' } } : { kind: 'rejected' };
    }
    const { decision, via } = this.planDecision!;
    this.decisions.push(planRecord(decision, this.authority.recordedAs(decision), via));
    if (decision.decision === 'reject') {
      this.setApproval('plan_rejected');
      return { kind: 'rejected', decision };
    }
    this.setApproval(this.policy.required ? 'pending' : 'not_required');
    return { kind: 'approved', decision };
  }

  setApproval(state: ApprovalState): void {
    this.approval = state;
    upsertChanged([{ key: Approval, value: state }]);
  }

  private open(pending: Pick<PendingReview, 'kind' | 'candidateKey'>): void {
    this.pending = { ...pending, ...this.clock.opening() };
    this.setApproval(pending.kind === 'plan' ? 'pending_plan' : 'pending');
    this.memo.open(this.pending);
  }

  private close(): void {
    this.pending = undefined;
    this.memo.close();
  }

  private timedOut(kind: 'plan' | 'result', candidateKey?: string): ResultOutcome {
    const { record, approval, outcome } = timeoutDecision(this.policy, kind, candidateKey, new Date().toISOString());
    this.decisions.push(record);
    this.setApproval(approval);
    return { kind: outcome, record };
  }

  private acceptResult(decision: ReviewDecision, via: 'update' | 'signal'): ReviewAccepted {
    this.authority.markApplied(decision);
    this.resultDecision = { decision, via };
    this.pending = undefined; // a second decision on the same candidate is now refused as a duplicate
    const next = decision.decision === 'approve' ? 'complete' : decision.decision === 'edit' ? 'rerender' : 'new_round';
    return { accepted: true, decision: decision.decision, next };
  }

  private acceptPlan(decision: PlanReviewDecision, via: 'update' | 'signal'): ReviewAccepted {
    this.authority.markApplied(decision);
    this.planDecision = { decision, via };
    this.pending = undefined;
    return { accepted: true, decision: decision.decision, next: decision.decision === 'approve' ? 'render' : 'end' };
  }

  /** An invalid signal cannot be refused as an update is: it is recorded as ignored. */
  private fromSignal(problem: string | undefined, accept: () => void): void {
    if (problem) this.ignoredSignals.push({ at: new Date().toISOString(), reason: problem });
    else accept();
  }

  // A message another tenant encrypted (security/payloadCodec.ts) is refused before anything else is read of it.
  private resultProblem = (d: ReviewDecision): string | undefined =>
    isForeignPayload(d)
      ? FOREIGN_PAYLOAD_PROBLEM
      : (resultDecisionProblem(this, d, this.shape().singleImage, this.shape().candidateKeys) ??
        this.authority.problem('result', d) ??
        this.escalationProblem(d));
  private planProblem = (d: PlanReviewDecision): string | undefined =>
    isForeignPayload(d)
      ? FOREIGN_PAYLOAD_PROBLEM
      : (planDecisionProblem(this, d, this.shape().singleImage) ?? this.authority.problem('plan', d) ?? this.escalationProblem(d));
  private escalationProblem = (d: ReviewDecision | PlanReviewDecision): string | undefined =>
    escalationProblem(this.pending, this.authority.recordedAs(d).reviewer);
}
