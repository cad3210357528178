/** GenerateImage's messages (review updates, questions to the agent, signal fallbacks, status query), shared with its clients. */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { GroundedAnswer } from '../../common/evidence';
import type { Candidate, ChecklistItem } from '../../common/generation';
import type { Usage } from '../../common/modelCall';
import type { ContextPlan } from '../../common/plan';
import type { ApprovalState, PendingReview, PlanReviewDecision, ReviewDecision, ReviewQuestion, ReviewQuestionRecord, ReviewRecord } from '../../common/review';
import type { Degradation } from '../../common/runResult';
import type { RunStage } from './audit';

export interface ReviewAccepted {
  accepted: true;
  decision: 'approve' | 'reject' | 'edit';
  /**
   * What happens next. Result review: the run completes, a new round is rendered with the feedback, or the
   * reviewer's edit is rendered and judged once. Plan review: rendering starts, or the run ends without rendering.
   */
  next: 'complete' | 'new_round' | 'rerender' | 'render' | 'end';
}

/** The agent's answer to a reviewer's question: the record the run keeps, what the call cost, and how many questions are left. */
export interface AgentAnswer extends ReviewQuestionRecord {
  usage: Usage;
  /** Questions the run still takes (common/reviewRules.ts, MAX_REVIEW_QUESTIONS). */
  remaining: number;
}

export interface RunStatus {
  workflowId: string;
  request: string;
  stage: RunStage;
  round: number;
  approval: ApprovalState;
  pendingReview?: PendingReview;
  plan?: ContextPlan;
  answers: Omit<GroundedAnswer, 'calls'>[];
  checklist: ChecklistItem[];
  /** Every candidate so far, oldest first (object keys; clients add presigned URLs). */
  candidates: Candidate[];
  /** The candidate(s) currently chosen: one per planned image. */
  current: Candidate[];
  decisions: ReviewRecord[];
  /** Reviewers' questions to the agent and its answers, oldest first. */
  questions: ReviewQuestionRecord[];
  usage: Usage;
  providers: string;
  /** Dependencies the run went on without (memory during an outage), and why. */
  degraded: Degradation[];
}

export const reviewUpdate = defineUpdate<ReviewAccepted, [ReviewDecision]>('review');
export const planReviewUpdate = defineUpdate<ReviewAccepted, [PlanReviewDecision]>('reviewPlan');
/** A reviewer's question about a waiting run (the respond action): answered from the run's context; decides nothing. */
export const askAgentUpdate = defineUpdate<AgentAnswer, [ReviewQuestion]>('askAgent');
/** Fallbacks for clients that can only signal; invalid ones are recorded as ignored. */
export const reviewSignal = defineSignal<[ReviewDecision]>('reviewSignal');
export const planReviewSignal = defineSignal<[PlanReviewDecision]>('reviewPlanSignal');
export const statusQuery = defineQuery<RunStatus>('status');
