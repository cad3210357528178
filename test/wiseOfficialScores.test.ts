/**
 * WISE-Verified official mode on a full run's worth of verdicts, without generating a single image: 1,000
 * prompt ids whose verdicts include judge errors, refusals, unparseable answers and missing images. The scores
 * file must hold every id, and the official calculator's arithmetic on that file must give our headline.
 */
import { computeWiseMetrics, type WiseCaseResult } from '../benchmarks/wise/metrics';
import { formatWiseScores } from '../benchmarks/wise/scores';
import { buildReport } from '../benchmarks/report/buildReport';
import type { WiseVerdict } from '../benchmarks/judge/verdicts';
import { officialWiseCalculator } from './support/officialWiseCalculator';

/** A small deterministic generator, so a failure reproduces. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

function verdictsFor(seed: number): WiseCaseResult[] {
  const rand = lcg(seed);
  const results: WiseCaseResult[] = [];
  for (let id = 1; id <= 1000; id++) {
    const r = rand();
    const verdict: WiseVerdict =
      r < 0.05
        ? { outcome: 'error', message: `judge timed out (${id})` }
        : r < 0.09
          ? { outcome: 'refused', raw: "I can't help with that." }
          : r < 0.12
            ? { outcome: 'unparseable', raw: '**Score:** 1' }
            : r < 0.15
              ? { outcome: 'no_image', message: 'ContentPolicyRefusal: the image model refused' }
              : { outcome: 'judged', score: rand() < 0.7 ? 1 : 0 };
    results.push({ promptId: id, verdict });
  }
  // In the order cases finish, not in id order.
  return results.sort(() => rand() - 0.5);
}

describe('WISE-Verified official scores on 1,000 ids', () => {
  const results = verdictsFor(14);
  const files = formatWiseScores(results);
  const metrics = computeWiseMetrics(results);

  test('the mix holds every kind of case without a verdict', () => {
    const outcomes = metrics.overall.outcomes;
    expect(outcomes.error).toBeGreaterThan(10);
    expect(outcomes.refused).toBeGreaterThan(10);
    expect(outcomes.unparseable).toBeGreaterThan(10);
    expect(outcomes.noImage).toBeGreaterThan(10);
    expect(outcomes.judged).toBeGreaterThan(700);
  });

  test('scores.jsonl holds every prompt id once, in order, in the official shape', () => {
    const lines = files.jsonl.trimEnd().split('\n');
    expect(lines).toHaveLength(1000);
    for (const line of lines) expect(line).toMatch(/^\{"prompt_id":\d+,"score":[01]\}$/);
    expect(lines.map((l) => (JSON.parse(l) as { prompt_id: number }).prompt_id)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
  });

  test('every case without a verdict is a 0 in scores.jsonl and has its reason in unjudged.jsonl', () => {
    const scoreOf = new Map(
      files.jsonl
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l) as { prompt_id: number; score: number })
        .map((r) => [r.prompt_id, r.score]),
    );
    const unjudged = files.unjudgedJsonl
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { prompt_id: number; outcome: string; reason: string });
    const expected = results
      .filter((r) => r.verdict.outcome !== 'judged')
      .map((r) => r.promptId)
      .sort((a, b) => a - b);
    expect(unjudged.map((u) => u.prompt_id)).toEqual(expected);
    for (const u of unjudged) {
      expect(scoreOf.get(u.prompt_id)).toBe(0);
      expect(u.reason.length).toBeGreaterThan(0);
    }
    expect(unjudged.find((u) => u.outcome === 'error')?.reason).toMatch(/^judge error: judge timed out/);
  });

  test('our headline equals the official calculator on our file, category by category', () => {
    const official = officialWiseCalculator(files.jsonl);
    expect(metrics.wiseOverall).not.toBeNull();
    expect(metrics.wiseOverall!).toBeCloseTo(official.overall, 12);
    expect(metrics.categories.culture.score!).toBeCloseTo(official.categories.Culture!, 12);
    expect(metrics.categories.chemistry.score!).toBeCloseTo(official.categories.Chemistry!, 12);
    // The with-verdict figure differs: the headline is the official one.
    expect(Math.abs(metrics.wiseOverallWithVerdict! - official.overall)).toBeGreaterThan(0.01);
  });

  test('the report lists every unjudged case with its reason', () => {
    const report = buildReport({ system: 'test', generatedAt: '2026-01-01T00:00:00Z', wise: results });
    expect(report.unjudged).toHaveLength(files.unjudged.length);
    expect(report.unjudged[0]).toMatchObject({ benchmark: 'WISE-Verified', case: String(files.unjudged[0]!.promptId) });
  });

  test('the calculator itself refuses a file with an id missing, as the official one does', () => {
    const withoutOne = files.jsonl
      .split('\n')
      .filter((l) => !l.startsWith('{"prompt_id":500,'))
      .join('\n');
    expect(() => officialWiseCalculator(withoutOne)).toThrow(/missing prompt ids: 500/);
  });
});
