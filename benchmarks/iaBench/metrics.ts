/**
 * IA-Bench metrics as published: Pass Rate and Checklist Accuracy per capability and subtask, and
 * IA-score = 0.3·PR(Plan) + 0.3·PR(Reason) + 0.3·PR(Search) + 0.1·PR(Memory), with each PR
 * micro-averaged over the capability's instances (not a mean of its subtasks' rates).
 * All rates are fractions in [0, 1]; the paper prints percentages.
 */
import type { ChecklistVerdict } from '../judge/verdicts';
import { assertUnique } from '../scoring/assertUnique';
import { scoreChecklistCase, summariseChecklist, type ChecklistCaseScore, type ChecklistSummary } from '../scoring/checklistSummary';
import { weightedOrNull } from '../scoring/weightedOrNull';
import { CAPABILITIES, IA_SCORE_WEIGHTS, SUBTASKS, type Capability, type Subtask } from './taxonomy';

export interface IaBenchCaseResult {
  id: string;
  capability: Capability;
  subtask: Subtask;
  checklist: string[];
  verdict: ChecklistVerdict;
  /** Where the judged (last-turn) image is, e.g. an object key; for the report only. */
  image?: string;
}

export interface IaBenchMetrics {
  overall: ChecklistSummary;
  capabilities: Record<Capability, ChecklistSummary>;
  /** Every subtask, with `cases: 0` and null rates for those not run. */
  subtasks: Record<Subtask, ChecklistSummary>;
  /** Null unless every capability has cases (the weights assume all four). */
  iaScore: number | null;
  /** The same over cases with a verdict only (see scoring/checklistSummary.ts). */
  iaScoreWithVerdict: number | null;
}

/** Works in any unit: pass fractions give a fraction, the paper's percentages give a percentage. Null unless all four are given. */
export function iaScore(passRates: Readonly<Partial<Record<Capability, number | null>>>): number | null {
  return weightedOrNull(IA_SCORE_WEIGHTS, (c) => passRates[c]);
}

export function computeIaBenchMetrics(results: readonly IaBenchCaseResult[]): IaBenchMetrics {
  assertUnique(results, (r) => r.id, 'IA-Bench case');
  const scored = results.map((r) => ({ ...r, score: scoreChecklistCase(r.verdict, r.checklist.length) }));
  const summaryOf = (keep: (r: IaBenchCaseResult & { score: ChecklistCaseScore }) => boolean): ChecklistSummary => summariseChecklist(scored.filter(keep));
  const capabilities = Object.fromEntries(CAPABILITIES.map((c) => [c, summaryOf((r) => r.capability === c)])) as Record<Capability, ChecklistSummary>;
  const passRates = (rate: (s: ChecklistSummary) => number | null) => Object.fromEntries(CAPABILITIES.map((c) => [c, rate(capabilities[c])]));
  const subtasks = Object.fromEntries(SUBTASKS.map((s) => [s, summaryOf((r) => r.subtask === s)])) as Record<Subtask, ChecklistSummary>;
  return {
    overall: summaryOf(() => true),
    capabilities,
    subtasks,
    iaScore: iaScore(passRates((s) => s.passRate)),
    iaScoreWithVerdict: iaScore(passRates((s) => s.passRateWithVerdict)),
  };
}
