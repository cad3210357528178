/**
 * The rules a review decision must meet, defined once: the API's request schema takes its limits from
 * here, and the workflow's update validators (and the signal fallback) apply every rule, including the
 * ones only the run can check: a stale candidate, a duplicate decision, a decision that comes too late.
 * Pure: workflow code imports it.
 */
import type { ApprovalState, PendingReview, PlanReviewDecision, ReviewDecision, ReviewPolicy, ReviewQuestion, ReviewRecord } from './review';
import { TEXT_LIMITS, textProblem } from './textLimits';

/** Rejections a run accepts before the gate ends it as rejected (each costs a render); edits count as well. */
const MAX_REJECTIONS = 10;
/** Items an edited checklist may hold: as many as a planned one. */
export const MAX_EDITED_CHECKLIST_ITEMS = 20;
/** Questions a run answers (each one model call): a reviewer cannot run up unbounded model spend on one run. */
export const MAX_REVIEW_QUESTIONS = 20;

/** The longest text each decision field may carry. */
export const REVIEW_TEXT_LIMITS = {
  candidateKey: TEXT_LIMITS.objectKey,
  checklistItem: TEXT_LIMITS.checklistItem,
  feedback: TEXT_LIMITS.feedback,
  instructions: TEXT_LIMITS.instructions,
  prompt: TEXT_LIMITS.prompt,
  reviewer: TEXT_LIMITS.reviewer,
  question: TEXT_LIMITS.reviewQuestion,
} as const;

/** What the gate knows when a decision arrives. */
export interface ReviewGateState {
  pending?: PendingReview;
  approval: ApprovalState;
  decisions: readonly ReviewRecord[];
}

const CLOSED: readonly ApprovalState[] = ['approved', 'rejected', 'expired', 'cancelled', 'plan_rejected'];

/** Why a decision on a result is refused, or undefined when it is accepted. */
export function resultDecisionProblem(
  state: ReviewGateState,
  d: ReviewDecision,
  singleImage = true,
  candidateKeys: readonly string[] = [],
): string | undefined {
  const shape = resultShapeProblem(d) ?? editProblem(d, singleImage) ?? choiceProblem(d, singleImage, candidateKeys);
  if (shape) return shape;
  const earlier = state.decisions.find((r) => r.kind === 'result' && r.candidateKey === d.candidateKey && r.decision !== 'timeout');
  if (state.pending?.kind !== 'result') {
    if (earlier)
      return `duplicate decision: candidate ${d.candidateKey} was already ${earlier.decision === 'approve' ? 'approved' : 'rejected'} by ${earlier.reviewer}`;
    if (CLOSED.includes(state.approval)) return `too late: the run is no longer waiting for review (${state.approval})`;
    return 'no result is waiting for review yet';
  }
  if (d.candidateKey !== state.pending.candidateKey)
    return `stale decision: it names ${d.candidateKey}, but the candidate under review is ${state.pending.candidateKey}`;
  return undefined;
}

/** Why a decision on the plan is refused; an edited prompt applies to single-image requests only. */
export function planDecisionProblem(state: ReviewGateState, d: PlanReviewDecision, singleImage: boolean): string | undefined {
  if (!d || (d.decision !== 'approve' && d.decision !== 'reject')) return 'decision must be "approve" or "reject"';
  if (state.pending?.kind !== 'plan')
    return state.decisions.some((r) => r.kind === 'plan') ? 'duplicate decision: the plan was already decided' : 'no plan is waiting for review';
  if (d.decision === 'reject' && !d.feedback?.trim()) return 'feedback is required when rejecting';
  if (d.prompt !== undefined && (typeof d.prompt !== 'string' || !d.prompt.trim())) return 'an edited prompt must not be empty';
  if (d.prompt !== undefined && !singleImage) return 'an edited prompt applies to single-image requests; use instructions for a set';
  for (const field of ['feedback', 'instructions', 'prompt'] as const) {
    const text = d[field];
    const problem = typeof text === 'string' ? textProblem(text, REVIEW_TEXT_LIMITS[field]) : undefined;
    if (problem) return `${field} ${problem}`;
  }
  return undefined;
}

/** A result decision's outcome: approve ends the run approved; the MAX_REJECTIONS-th reject ends it rejected; any other reject starts a new round. */
export function resultOutcomeKind(
  decided: readonly ReviewRecord[],
  decision: ReviewDecision['decision'],
): 'approved' | 'rejected' | 'rejected_with_feedback' | 'edited' {
  if (decision === 'approve') return 'approved';
  const renders = decided.filter((d) => d.kind === 'result' && (d.decision === 'reject' || d.decision === 'edit')).length;
  if (renders >= MAX_REJECTIONS) return 'rejected';
  return decision === 'edit' ? 'edited' : 'rejected_with_feedback';
}

/** What the policy decides when a review wait runs out: the recorded decision, the approval state, the outcome. */
export function timeoutDecision(
  policy: ReviewPolicy,
  kind: 'plan' | 'result',
  candidateKey: string | undefined,
  at: string,
): { record: ReviewRecord; approval: ApprovalState; outcome: 'approved' | 'rejected' | 'expired' } {
  const onTimeout = policy.onTimeout;
  const record: ReviewRecord = {
    kind,
    decision: 'timeout',
    candidateKey,
    feedback: `no decision within ${policy.timeout}; policy: ${onTimeout}`,
    reviewer: 'timeout policy',
    at,
    via: 'timeout',
  };
  if (onTimeout === 'approve_best') return { record, approval: kind === 'plan' && policy.required ? 'pending' : 'approved', outcome: 'approved' };
  if (onTimeout === 'reject') return { record, approval: kind === 'plan' ? 'plan_rejected' : 'rejected', outcome: 'rejected' };
  return { record, approval: 'expired', outcome: 'expired' };
}

/** An edit names what to change, within the request's own text limits; a set's images are edited by rejecting. */
/** An approval may deliver an earlier candidate of a single-image run instead of the one under review. */
function choiceProblem(d: ReviewDecision, singleImage: boolean, candidateKeys: readonly string[]): string | undefined {
  if (d.chosenKey === undefined) return undefined;
  if (d.decision !== 'approve') return 'chosenKey goes with an approval: it names the candidate to deliver';
  if (!singleImage) return 'choosing an earlier candidate applies to single-image runs';
  if (typeof d.chosenKey !== 'string' || !candidateKeys.includes(d.chosenKey))
    return `chosenKey ${String(d.chosenKey).slice(0, 200)} is not a candidate of this run`;
  return undefined;
}

function editProblem(d: ReviewDecision, singleImage: boolean): string | undefined {
  if (d.decision !== 'edit') {
    return d.prompt !== undefined || d.checklist !== undefined ? 'prompt and checklist are edits: send them with decision "edit"' : undefined;
  }
  if (d.prompt === undefined && d.checklist === undefined) return 'an edit changes the prompt, the checklist or both: send at least one';
  if (!singleImage) return 'an edit applies to single-image runs; reject with feedback to change a set';
  if (d.prompt !== undefined) {
    if (typeof d.prompt !== 'string' || !d.prompt.trim()) return 'an edited prompt must not be empty';
    const problem = textProblem(d.prompt, REVIEW_TEXT_LIMITS.prompt);
    if (problem) return `prompt ${problem}`;
  }
  if (d.checklist !== undefined) {
    if (!Array.isArray(d.checklist) || d.checklist.length === 0 || d.checklist.length > MAX_EDITED_CHECKLIST_ITEMS)
      return `an edited checklist holds 1 to ${MAX_EDITED_CHECKLIST_ITEMS} statements`;
    for (const [i, item] of d.checklist.entries()) {
      if (typeof item !== 'string' || !item.trim()) return `checklist item ${i + 1} must be a statement`;
      const problem = textProblem(item, REVIEW_TEXT_LIMITS.checklistItem);
      if (problem) return `checklist item ${i + 1} ${problem}`;
    }
  }
  return undefined;
}

function resultShapeProblem(d: ReviewDecision): string | undefined {
  if (!d || (d.decision !== 'approve' && d.decision !== 'reject' && d.decision !== 'edit')) return 'decision must be "approve", "reject" or "edit"';
  if (typeof d.candidateKey !== 'string' || !d.candidateKey) return 'the decision must name the candidate (candidateKey, as status shows it)';
  if (d.decision === 'reject' && (typeof d.feedback !== 'string' || !d.feedback.trim())) return 'feedback is required when rejecting: say what to change';
  const feedback = typeof d.feedback === 'string' ? textProblem(d.feedback, REVIEW_TEXT_LIMITS.feedback) : undefined;
  if (feedback) return `feedback ${feedback}`;
  if (d.reviewer !== undefined && (typeof d.reviewer !== 'string' || textProblem(d.reviewer, REVIEW_TEXT_LIMITS.reviewer))) {
    return `reviewer must be a name of at most ${REVIEW_TEXT_LIMITS.reviewer} characters, without control characters`;
  }
  return undefined;
}

/**
 * Why a reviewer's question is refused, or undefined: it must be text a store can hold, asked while the run waits
 * for a decision (plan or result), within the run's question limit (`asked`: questions accepted so far).
 */
export function questionProblem(state: Pick<ReviewGateState, 'pending' | 'approval'>, q: ReviewQuestion, asked: number): string | undefined {
  if (!q || typeof q.question !== 'string' || !q.question.trim()) return 'the question is empty: ask something about the run';
  const problem = textProblem(q.question, REVIEW_TEXT_LIMITS.question);
  if (problem) return `question ${problem}`;
  if (q.reviewer !== undefined && (typeof q.reviewer !== 'string' || textProblem(q.reviewer, REVIEW_TEXT_LIMITS.reviewer))) {
    return `reviewer must be a name of at most ${REVIEW_TEXT_LIMITS.reviewer} characters, without control characters`;
  }
  if (!state.pending) return `not waiting for a review (approval: ${state.approval}): the agent answers questions while a run waits for a decision`;
  if (asked >= MAX_REVIEW_QUESTIONS)
    return `question limit: a run takes ${MAX_REVIEW_QUESTIONS} questions, and this one has had them all; decide it, or read its report`;
  return undefined;
}

/** Once a review is escalated, only the escalation's reviewers decide (as recorded: the signed principal on signed runs). */
export function escalationProblem(pending: PendingReview | undefined, reviewer: string): string | undefined {
  const to = pending?.escalatedTo;
  return !to || to.includes(reviewer) ? undefined : `escalated review: only ${to.join(', ')} may decide now, and ${reviewer} is not one of them`;
}
