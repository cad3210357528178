/** Human review of a run: the policy a request carries, the decisions reviewers send, the state auditors see. */

export type TimeoutPolicy = 'approve_best' | 'reject' | 'expire';

export interface ReviewPolicy {
  /** Wait for a reviewer after the feedback loop. */
  required: boolean;
  /** Also wait for a reviewer after grounding, before anything is rendered (for expensive jobs). */
  planApproval?: boolean;
  /** How long to wait for a decision, e.g. "24 hours" or "90 seconds"; absent waits indefinitely. */
  timeout?: string;
  onTimeout: TimeoutPolicy;
  /**
   * When to remind, as a share of each deadline (0.5: halfway); 0 sends no reminder. Absent: halfway, for runs
   * whose worker has reminders (workflows/generate/review/reviewClock.ts).
   */
  remindAt?: number;
  /** The tenant's second group: at the deadline the review passes to it with a deadline of its own. */
  escalation?: ReviewEscalation;
}

/** Escalation of a review nobody decided in time (the tenant's policy, never the request's). */
export interface ReviewEscalation {
  /** The principals who may decide once the review is escalated, and no one else. */
  reviewers: string[];
  /** How long the escalated review waits before the timeout policy applies, e.g. "2 days". */
  timeout: string;
}

/**
 * Set by the API on decisions and questions: the authenticated principal, when, and its Ed25519 signature
 * (common/decisionSignature.ts). Version 2 (runs whose review auth has version 2) is signed over the run id and the
 * decision's id (its request id) too, and a run applies each id once.
 */
export interface SignedByApi {
  principal?: string;
  at?: string;
  signature?: string;
  signatureV2?: string;
  decisionId?: string;
}

/** Reminders are sent halfway to a deadline unless the policy says otherwise. */
export const DEFAULT_REMIND_AT = 0.5;

export const NO_REVIEW: ReviewPolicy = { required: false, onTimeout: 'expire' };

export type ApprovalState = 'not_required' | 'pending_plan' | 'pending' | 'approved' | 'rejected' | 'plan_rejected' | 'expired' | 'cancelled';

export interface ReviewDecision extends SignedByApi {
  /** edit: render the candidate again with the reviewer's prompt and/or checklist: one render, one critique, no re-planning. */
  decision: 'approve' | 'reject' | 'edit';
  /** The candidate being decided on (its object key, as status shows it): a decision on a stale candidate is refused. */
  candidateKey: string;
  /** Required when rejecting: the reviewer's words become feedback for the next round. */
  feedback?: string;
  /** edit: the prompt to render instead of the candidate's (single-image runs). */
  prompt?: string;
  /** edit: the checklist to judge against from now on, as statements (replaces the run's). */
  checklist?: string[];
  /**
   * approve: deliver this earlier candidate of the run (its key) instead of the one under review (single-image
   * runs). `candidateKey` still names the candidate under review, so a decision on a stale view is refused.
   */
  chosenKey?: string;
  /** Who decided (an id, not an email: it is kept in the run's history). Ignored when the decision is signed. */
  reviewer?: string;
}

export interface PlanReviewDecision extends SignedByApi {
  decision: 'approve' | 'reject';
  /** Extra instructions for composing the prompt, in the reviewer's words. */
  instructions?: string;
  /** An edited prompt to render in the first round instead of the composed one (single-image requests). */
  prompt?: string;
  feedback?: string;
  reviewer?: string;
}

export interface ReviewRecord {
  kind: 'plan' | 'result';
  decision: 'approve' | 'reject' | 'edit' | 'timeout';
  /** An edit: what the reviewer changed (the texts are in the decision's update, in the history). */
  edited?: ('prompt' | 'checklist')[];
  /** An approval of an earlier candidate: the one delivered. */
  chosenKey?: string;
  candidateKey?: string;
  feedback?: string;
  reviewer: string;
  at: string;
  /** True when the reviewer is an authenticated principal whose decision the API signed. */
  signed?: boolean;
  /** The signed decision's id: a run applies each id once. */
  decisionId?: string;
  /** How the decision arrived: an update, the signal fallback, or the timeout policy. */
  via: 'update' | 'signal' | 'timeout';
}

/**
 * A reviewer's question to the agent about a run waiting for a decision ("why this palette?", "which source says
 * 330 m?"): answered from the run's own context in one model call, with no render, and it decides nothing.
 * Signed by the API like a decision (common/decisionSignature.ts), so the run records who asked.
 */
export interface ReviewQuestion extends SignedByApi {
  question: string;
  /** Who asks (an id). Ignored when the question is signed: the signed principal is recorded. */
  reviewer?: string;
}

/** One question a reviewer asked and the agent's answer, as the run keeps it (status, report). */
export interface ReviewQuestionRecord {
  question: string;
  answer: string;
  /** The run's sources the answer rests on (only URLs the run's grounded answers cite). */
  sources: { title?: string; url: string }[];
  by: string;
  at: string;
  /** The asker is the authenticated principal whose question the API signed. */
  signed?: true;
  /** The gate that was waiting, and its candidate (result gate). */
  gate: 'plan' | 'result';
  candidateKey?: string;
  /** Who answered: the vendor of the call ('offline' for the offline respondent, which calls no model). */
  provider: string;
}

/** The memo field a waiting run keeps its PendingReview in (workflows/generate/review/reviewGate.ts); removed once decided. */
export const REVIEW_WAIT_MEMO_KEY = 'reviewWait';

export interface PendingReview {
  kind: 'plan' | 'result';
  candidateKey?: string;
  since: string;
  deadline?: string;
  onTimeout: TimeoutPolicy;
  /** At the deadline the review passes to these reviewers (the tenant's escalation), before the timeout policy. */
  escalatesTo?: string[];
  /** When the reminder for the current deadline went out. */
  remindedAt?: string;
  /** Escalated: who may decide now, and since when (the deadline is the escalation's). */
  escalatedTo?: string[];
  escalatedAt?: string;
}
