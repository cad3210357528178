/** What a review gate ends in: the run's next step reads only this. */
import type { PlanReviewDecision, ReviewDecision, ReviewRecord } from '../../../common/review';

export type ResultOutcome =
  | { kind: 'approved'; record: ReviewRecord }
  | { kind: 'rejected_with_feedback'; record: ReviewRecord }
  /** A reviewer's edit: render once more with its prompt and/or checklist. */
  | { kind: 'edited'; record: ReviewRecord; prompt?: string; checklist?: string[] }
  | { kind: 'rejected' | 'expired'; record?: ReviewRecord };
export type PlanOutcome = { kind: 'approved'; decision: PlanReviewDecision } | { kind: 'rejected'; decision?: PlanReviewDecision };

/** An edit's outcome: what the reviewer changed, for the render (loop/editedRender.ts). */
export function editOutcome(record: ReviewRecord, d: Pick<ReviewDecision, 'prompt' | 'checklist'>): ResultOutcome {
  return { kind: 'edited', record, ...(d.prompt !== undefined ? { prompt: d.prompt } : {}), ...(d.checklist ? { checklist: d.checklist } : {}) };
}

type RecordedAs = Pick<ReviewRecord, 'reviewer' | 'signed' | 'decisionId'>;

/** The record of a decision on a result; an edit says what it changed (the texts are in the update, in the history). */
export function resultRecord(d: ReviewDecision, candidateKey: string, by: RecordedAs, via: ReviewRecord['via']): ReviewRecord {
  const edited = d.decision === 'edit' ? { edited: (['prompt', 'checklist'] as const).filter((f) => d[f] !== undefined) } : {};
  const chosen = d.decision === 'approve' && d.chosenKey !== undefined ? { chosenKey: d.chosenKey } : {};
  return { kind: 'result', decision: d.decision, candidateKey, feedback: d.feedback, ...edited, ...chosen, ...by, at: new Date().toISOString(), via };
}

export function planRecord(d: PlanReviewDecision, by: RecordedAs, via: ReviewRecord['via']): ReviewRecord {
  return { kind: 'plan', decision: d.decision, feedback: d.feedback ?? d.instructions, ...by, at: new Date().toISOString(), via };
}
