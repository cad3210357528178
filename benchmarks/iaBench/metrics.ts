/**
 * IA-Bench metrics as published: Pass Rate and Checklist Accuracy per capability and subtask, and
 * IA-score = 0.3·PR(Plan) + 0.3·PR(Reason) + 0.3·PR(Search) + 0.1·PR(Memory), with each PR
 * micro-averaged over the capability's instances (not a mean of its subtasks' rates).
 * All rates are fractions in [0, 1]; the paper prints percentages.
 */
import type { ChecklistVerdict } from '../judge/verdicts';
import { scoreChecklistCase, summariseChecklist, type ChecklistCaseScore, type ChecklistSummary } from '../scoring/checklistSummary';
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

/** Works in any unit: pass fractions give a fraction, the paper's percentages give a percentage. */
export function iaScore(passRates: Readonly<Record<Capability, number>>): number {
  return CAPABILITIES.reduce((sum, c) => sum + IA_SCORE_WEIGHTS[c] * passRates[c], 0);
}

export function computeIaBenchMetrics(results: readonly IaBenchCaseResult[]): IaBenchMetrics {
  assertUniqueIds(results);
  const scored = results.map((r) => ({ ...r, score: scoreChecklistCase(r.verdict, r.checklist.length) }));
  const summaryOf = (keep: (r: IaBenchCaseResult & { score: ChecklistCaseScore }) => boolean): ChecklistSummary => summariseChecklist(scored.filter(keep));
  const capabilities = Object.fromEntries(CAPABILITIES.map((c) => [c, summaryOf((r) => r.capability === c)])) as Record<Capability, ChecklistSummary>;
  const subtasks = Object.fromEntries(SUBTASKS.map((s) => [s, summaryOf((r) => r.subtask === s)])) as Record<Subtask, ChecklistSummary>;
  return {
    overall: summaryOf(() => true),
    capabilities,
    subtasks,
    iaScore: scoreFrom(capabilities, (s) => s.passRate),
    iaScoreWithVerdict: scoreFrom(capabilities, (s) => s.passRateWithVerdict),
  };
}

function scoreFrom(capabilities: Record<Capability, ChecklistSummary>, rate: (s: ChecklistSummary) => number | null): number | null {
  const rates: Partial<Record<Capability, number>> = {};
  for (const c of CAPABILITIES) {
    const r = rate(capabilities[c]);
    if (r === null) return null;
    rates[c] = r;
  }
  return iaScore(rates as Record<Capability, number>);
}

/** A case counted twice would skew every rate; results must come one per case. */
function assertUniqueIds(results: readonly IaBenchCaseResult[]): void {
  const seen = new Set<string>();
  for (const r of results) {
    if (seen.has(r.id)) throw new Error(`IA-Bench results hold case ${r.id} more than once`);
    seen.add(r.id);
  }
}
