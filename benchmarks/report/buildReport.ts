/**
 * The benchmark report as one JSON object: every case with its score, the aggregates, our headline
 * numbers next to the paper's, and warnings about anything that limits the comparison.
 */
import { computeIaBenchMetrics, type IaBenchCaseResult, type IaBenchMetrics } from '../iaBench/metrics';
import { CAPABILITIES, type Capability } from '../iaBench/taxonomy';
import { verdictReason } from '../judge/verdictReason';
import type { BenchmarkRunRecord } from './runRecord';
import type { ChecklistVerdict, WiseVerdict } from '../judge/verdicts';
import { computeMindBenchMetrics, type MindBenchCaseResult, type MindBenchMetrics } from '../mindBench/metrics';
import { mindBenchImageName } from '../mindBench/naming';
import { PAPER, PUBLISHED_MINDBENCH, PUBLISHED_WISE_VERIFIED, REFERENCE_SYSTEM, publishedIaBench, publishedOverall } from '../publishedNumbers';
import { scoreChecklistCase, type ChecklistCaseScore } from '../scoring/checklistSummary';
import type { OutcomeCounts } from '../scoring/outcomeCounts';
import { WISE_CATEGORIES, wiseCategoryOf, type WiseCategory } from '../wise/categories';
import { computeWiseMetrics, wiseCaseScore, type WiseCaseResult, type WiseMetrics } from '../wise/metrics';

/** Instances in the full benchmarks, to flag runs on a subset. */
const FULL_SIZES = { iaBench: 730, mindBench: 500, wise: 1000 } as const;

export interface BenchmarkRunResults {
  /** Our system as it should appear in tables and the chart. */
  system: string;
  runId?: string;
  /** ISO time; passed in so the same results always give the same report. */
  generatedAt: string;
  iaBench?: readonly IaBenchCaseResult[];
  mindBench?: readonly MindBenchCaseResult[];
  wise?: readonly WiseCaseResult[];
  /** How the run was made (mode, judge, models, code, suite, options), when the runner knows it. */
  record?: BenchmarkRunRecord;
  /** Cases whose run was not whole (a source down, the critique unavailable), with why. */
  degraded?: readonly DegradedCase[];
  /** What the spend ledger charged the batch (its cases' runs and judging), when calls are priced. */
  spend?: BatchSpend;
}

export interface BatchSpend {
  /** Settled with the vendors' usage. */
  settledUsd: number;
  /** Still reserved by calls in flight (a report of a cancelled batch may have some). */
  reservedUsd: number;
  calls: number;
  /** The tenant policy's per-batch budget, when it has one. */
  limitUsd?: number;
}

export interface DegradedCase {
  caseId: string;
  reasons: string[];
}

export type BenchmarkName = 'IA-Bench' | 'MindBench' | 'WISE-Verified';

export interface ComparisonRow {
  benchmark: BenchmarkName;
  metric: string;
  /** The paper's unit for this metric; `ours` is converted to it. */
  unit: 'percent' | 'fraction';
  /** Decimals the paper prints. */
  decimals: number;
  ours: number | null;
  published: number;
  publishedSystem: string;
  cases: number;
}

export interface BenchmarkReport {
  system: string;
  runId?: string;
  generatedAt: string;
  paper: string;
  record?: BenchmarkRunRecord;
  iaBench?: { metrics: IaBenchMetrics; cases: Array<IaBenchCaseResult & { score: ChecklistCaseScore }> };
  mindBench?: { metrics: MindBenchMetrics; cases: Array<MindBenchCaseResult & { imageName: string; score: ChecklistCaseScore }> };
  wise?: { metrics: WiseMetrics; cases: Array<WiseCaseResult & { category: WiseCategory; score: 0 | 1 | null }> };
  comparison: ComparisonRow[];
  /** Every case without a verdict of its own (no image, judge refused, unparseable, error) and why. */
  unjudged: UnjudgedCase[];
  /** Cases scored as they came out but whose run degraded: their scores do not measure the whole system. */
  degraded: DegradedCase[];
  spend?: BatchSpend;
  warnings: string[];
}

export interface UnjudgedCase {
  benchmark: BenchmarkName;
  /** The case as the benchmark names it: IA-Bench id, MindBench image name, WISE prompt_id. */
  case: string;
  outcome: 'no_image' | 'refused' | 'unparseable' | 'error';
  reason: string;
}

const CAPABILITY_LABELS: Record<Capability, string> = { plan: 'Plan', reason: 'Reason', search: 'Search', memory: 'Memory' };

export function buildReport(run: BenchmarkRunResults): BenchmarkReport {
  const report: BenchmarkReport = {
    system: run.system,
    ...(run.runId !== undefined && { runId: run.runId }),
    generatedAt: run.generatedAt,
    paper: PAPER,
    ...(run.record !== undefined && { record: run.record }),
    comparison: [],
    unjudged: [],
    degraded: [...(run.degraded ?? [])],
    ...(run.spend !== undefined && { spend: run.spend }),
    warnings: [],
  };
  if (report.degraded.length > 0) {
    report.warnings.push(
      `${report.degraded.length} case(s) ran degraded (a grounding source down after its retries, or the critique unavailable): their verdicts do not measure the whole system; they are listed under "Degraded cases".`,
    );
  }
  const noteUnjudged = (benchmark: BenchmarkName, id: string, verdict: ChecklistVerdict | WiseVerdict): void => {
    if (verdict.outcome !== 'judged') report.unjudged.push({ benchmark, case: id, outcome: verdict.outcome, reason: verdictReason(verdict) });
  };
  if (run.record?.mode === 'non-official') report.warnings.push(`Not the official setting: ${run.record.nonOfficial.join('; ')}.`);
  if (run.iaBench) {
    const metrics = computeIaBenchMetrics(run.iaBench);
    for (const c of run.iaBench) noteUnjudged('IA-Bench', c.id, c.verdict);
    report.iaBench = { metrics, cases: run.iaBench.map((c) => ({ ...c, score: scoreOf(c.verdict, c.checklist) })) };
    const published = publishedIaBench(REFERENCE_SYSTEM);
    const row = (metric: string, ours: number | null, publishedValue: number, cases: number): ComparisonRow => ({
      benchmark: 'IA-Bench',
      metric,
      unit: 'percent',
      decimals: 1,
      ours: percent(ours),
      published: publishedValue,
      publishedSystem: REFERENCE_SYSTEM,
      cases,
    });
    report.comparison.push(row('IA-score', metrics.iaScore, published.iaScore, metrics.overall.cases));
    for (const c of CAPABILITIES) {
      const publishedRate = published.passRates[c];
      if (publishedRate !== undefined)
        report.comparison.push(row(`Pass rate ${CAPABILITY_LABELS[c]}`, metrics.capabilities[c].passRate, publishedRate, metrics.capabilities[c].cases));
    }
    report.warnings.push(...coverageWarnings('IA-Bench', metrics.overall.cases, FULL_SIZES.iaBench), ...unjudgedWarnings('IA-Bench', metrics.overall.outcomes));
    const missing = CAPABILITIES.filter((c) => metrics.capabilities[c].cases === 0);
    if (missing.length > 0) report.warnings.push(`IA-Bench: no cases for ${missing.join(', ')}, so no IA-score (its weights need all four capabilities).`);
  }
  if (run.mindBench) {
    const metrics = computeMindBenchMetrics(run.mindBench);
    for (const c of run.mindBench) noteUnjudged('MindBench', mindBenchImageName(c.type, c.id), c.verdict);
    report.mindBench = {
      metrics,
      cases: run.mindBench.map((c) => ({ ...c, imageName: mindBenchImageName(c.type, c.id), score: scoreOf(c.verdict, c.checklist) })),
    };
    report.comparison.push({
      benchmark: 'MindBench',
      metric: 'Accuracy',
      unit: 'fraction',
      decimals: 2,
      ours: metrics.overall.passRate,
      published: publishedOverall(PUBLISHED_MINDBENCH, REFERENCE_SYSTEM).overall,
      publishedSystem: REFERENCE_SYSTEM,
      cases: metrics.overall.cases,
    });
    report.warnings.push(
      ...coverageWarnings('MindBench', metrics.overall.cases, FULL_SIZES.mindBench),
      ...unjudgedWarnings('MindBench', metrics.overall.outcomes),
    );
  }
  if (run.wise) {
    const metrics = computeWiseMetrics(run.wise);
    for (const c of [...run.wise].sort((a, b) => a.promptId - b.promptId)) noteUnjudged('WISE-Verified', String(c.promptId), c.verdict);
    report.wise = { metrics, cases: run.wise.map((c) => ({ ...c, category: wiseCategoryOf(c.promptId), score: wiseCaseScore(c.verdict) ?? null })) };
    report.comparison.push({
      benchmark: 'WISE-Verified',
      metric: 'Overall',
      unit: 'fraction',
      decimals: 3,
      ours: metrics.wiseOverall,
      published: publishedOverall(PUBLISHED_WISE_VERIFIED, REFERENCE_SYSTEM).overall,
      publishedSystem: REFERENCE_SYSTEM,
      cases: metrics.overall.cases,
    });
    report.warnings.push(
      ...coverageWarnings('WISE-Verified', metrics.overall.cases, FULL_SIZES.wise),
      ...unjudgedWarnings('WISE-Verified', metrics.overall.outcomes),
    );
    const missing = WISE_CATEGORIES.filter((c) => metrics.categories[c].cases === 0);
    if (missing.length > 0)
      report.warnings.push(`WISE-Verified: no cases for ${missing.join(', ')}, so no overall score (its weights need all six categories).`);
  }
  return report;
}

function scoreOf(verdict: ChecklistVerdict, checklist: readonly string[]): ChecklistCaseScore {
  return scoreChecklistCase(verdict, checklist.length);
}

function percent(fraction: number | null): number | null {
  return fraction === null ? null : fraction * 100;
}

function coverageWarnings(benchmark: BenchmarkName, cases: number, full: number): string[] {
  return cases < full
    ? [
        `${benchmark}: ${cases} of the benchmark's ${full} instances were run; the published numbers are over all ${full}, so the comparison is indicative only.`,
      ]
    : [];
}

function unjudgedWarnings(benchmark: BenchmarkName, outcomes: OutcomeCounts): string[] {
  const unjudged = outcomes.refused + outcomes.unparseable + outcomes.error;
  if (unjudged === 0) return [];
  return [
    `${benchmark}: ${unjudged} case(s) got no verdict from the judge (${outcomes.refused} refused, ${outcomes.unparseable} unparseable, ${outcomes.error} errors); the headline counts them as failures; the "with verdict" columns leave them out.`,
  ];
}
