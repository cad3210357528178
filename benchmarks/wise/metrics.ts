/**
 * WISE-Verified scores as published: the mean 0/1 score per category and
 * overall = 0.40·Culture + 0.12·(Time + Space + Biology + Physics + Chemistry).
 *
 * Cases the judge gave no verdict on count as 0 in the headline and are counted separately, with a
 * second set of means over the cases that got a verdict (the reasoning is in
 * scoring/checklistSummary.ts). The official calculator sees only the scores file, which holds
 * every prompt, unjudged ones as 0 (wise/scores.ts), so it computes the headline numbers.
 */
import { isUnjudged, type WiseVerdict } from '../judge/verdicts';
import { assertUnique } from '../scoring/assertUnique';
import { mean } from '../scoring/mean';
import { countOutcomes, unjudgedCount, type OutcomeCounts } from '../scoring/outcomeCounts';
import { weightedOrNull } from '../scoring/weightedOrNull';
import { WISE_CATEGORIES, WISE_ID_RANGES, WISE_OVERALL_WEIGHTS, wiseCategoryOf, type WiseCategory } from './categories';

export interface WiseCaseResult {
  promptId: number;
  verdict: WiseVerdict;
}

export interface WiseScoreSummary {
  cases: number;
  /** Prompts the category has in the full benchmark (400 or 120), to show coverage. */
  benchmarkCases: number;
  outcomes: OutcomeCounts;
  unjudged: number;
  /** Headline mean (unjudged count as 0); null without cases. */
  score: number | null;
  scoreWithVerdict: number | null;
}

export interface WiseMetrics {
  overall: WiseScoreSummary;
  categories: Record<WiseCategory, WiseScoreSummary>;
  /** The weighted overall; null unless every category has cases. */
  wiseOverall: number | null;
  wiseOverallWithVerdict: number | null;
}

/** Null unless all six categories are given. */
export function wiseOverall(categoryScores: Readonly<Partial<Record<WiseCategory, number | null>>>): number | null {
  return weightedOrNull(WISE_OVERALL_WEIGHTS, (c) => categoryScores[c]);
}

/** A no-image case is a genuine 0; refused, unparseable and error have no score. */
export function wiseCaseScore(verdict: WiseVerdict): 0 | 1 | undefined {
  if (verdict.outcome === 'judged') return verdict.score;
  return isUnjudged(verdict) ? undefined : 0;
}

export function computeWiseMetrics(results: readonly WiseCaseResult[]): WiseMetrics {
  assertUnique(results, (r) => r.promptId, 'WISE prompt_id');
  const categories = Object.fromEntries(
    WISE_CATEGORIES.map((c) => [
      c,
      summarise(
        results.filter((r) => wiseCategoryOf(r.promptId) === c),
        WISE_ID_RANGES[c][1] - WISE_ID_RANGES[c][0] + 1,
      ),
    ]),
  ) as Record<WiseCategory, WiseScoreSummary>;
  const scores = (pick: (s: WiseScoreSummary) => number | null) => Object.fromEntries(WISE_CATEGORIES.map((c) => [c, pick(categories[c])]));
  return {
    overall: summarise(results, 1000),
    categories,
    wiseOverall: wiseOverall(scores((s) => s.score)),
    wiseOverallWithVerdict: wiseOverall(scores((s) => s.scoreWithVerdict)),
  };
}

function summarise(results: readonly WiseCaseResult[], benchmarkCases: number): WiseScoreSummary {
  const outcomes = countOutcomes(results.map((r) => r.verdict));
  const scores = results.map((r) => wiseCaseScore(r.verdict));
  return {
    cases: results.length,
    benchmarkCases,
    outcomes,
    unjudged: unjudgedCount(outcomes),
    score: mean(scores.map((s) => s ?? 0)),
    scoreWithVerdict: mean(scores.filter((s): s is 0 | 1 => s !== undefined)),
  };
}
