/**
 * Pass Rate and Checklist Accuracy over checklist-judged cases (IA-Bench, MindBench).
 *
 * Policy for cases the judge gave no verdict on (refused, unparseable, error): they count as
 * failures in the headline numbers, whose denominator is every case, and are counted separately
 * next to a second pair of rates over the cases that did get a verdict. Why: dropping them would
 * let a run look better by losing its hard cases (the paper's denominators are all instances), and
 * the separate counts and rates stop them from passing silently as zeros. A report with any
 * unjudged case says so.
 */
import { isUnjudged, type ChecklistVerdict } from '../judge/verdicts';
import { mean } from './mean';
import { countOutcomes, unjudgedCount, type OutcomeCounts } from './outcomeCounts';

export interface ChecklistCaseScore {
  /** Every item passed. */
  passed: boolean;
  itemsPassed: number;
  items: number;
  /** False for refused, unparseable and error. */
  hasVerdict: boolean;
}

export function scoreChecklistCase(verdict: ChecklistVerdict, items: number): ChecklistCaseScore {
  if (verdict.outcome !== 'judged') return { passed: false, itemsPassed: 0, items, hasVerdict: !isUnjudged(verdict) };
  // The parser already pads and trims to `items`; stay correct if a caller built results by hand.
  const itemsPassed = Array.from({ length: items }, (_, i) => verdict.results[i] === true).filter(Boolean).length;
  return { passed: items > 0 && itemsPassed === items, itemsPassed, items, hasVerdict: true };
}

export interface ChecklistSummary {
  cases: number;
  outcomes: OutcomeCounts;
  /** Refused + unparseable + error. */
  unjudged: number;
  passed: number;
  /** Headline: share of all cases with every item passed (unjudged count as failed); null without cases. */
  passRate: number | null;
  /** Headline: mean over all cases of items passed / items (unjudged count as 0). */
  checklistAccuracy: number | null;
  /** The same two over the cases that got a verdict only; null when none did. */
  passRateWithVerdict: number | null;
  checklistAccuracyWithVerdict: number | null;
}

export function summariseChecklist(cases: ReadonlyArray<{ verdict: ChecklistVerdict; score: ChecklistCaseScore }>): ChecklistSummary {
  const outcomes = countOutcomes(cases.map((c) => c.verdict));
  const withVerdict = cases.filter((c) => c.score.hasVerdict);
  const passed = cases.filter((c) => c.score.passed).length;
  const fraction = (c: { score: ChecklistCaseScore }): number => (c.score.items === 0 ? 0 : c.score.itemsPassed / c.score.items);
  return {
    cases: cases.length,
    outcomes,
    unjudged: unjudgedCount(outcomes),
    passed,
    passRate: mean(cases.map((c) => (c.score.passed ? 1 : 0))),
    checklistAccuracy: mean(cases.map(fraction)),
    passRateWithVerdict: mean(withVerdict.map((c) => (c.score.passed ? 1 : 0))),
    checklistAccuracyWithVerdict: mean(withVerdict.map(fraction)),
  };
}
