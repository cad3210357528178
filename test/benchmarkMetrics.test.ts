/** Benchmark metrics exactly as published: IA-Bench PR/CA and IA-score, MindBench accuracy, WISE-Verified overall. */
import { computeIaBenchMetrics, iaScore, type IaBenchCaseResult } from '../benchmarks/iaBench/metrics';
import { SUBTASKS_BY_CAPABILITY, type Capability } from '../benchmarks/iaBench/taxonomy';
import type { ChecklistVerdict, WiseVerdict } from '../benchmarks/judge/verdicts';
import { computeMindBenchMetrics } from '../benchmarks/mindBench/metrics';
import { PUBLISHED_IA_BENCH, publishedIaBench } from '../benchmarks/publishedNumbers';
import { WISE_ID_RANGES, type WiseCategory } from '../benchmarks/wise/categories';
import { computeWiseMetrics, wiseOverall, type WiseCaseResult } from '../benchmarks/wise/metrics';

const pass = (n: number): ChecklistVerdict => ({ outcome: 'judged', results: Array<boolean>(n).fill(true), notes: [] });
const failOne = (n: number): ChecklistVerdict => ({ outcome: 'judged', results: [false, ...Array<boolean>(n - 1).fill(true)], notes: [] });

/** `passed` of `total` cases pass, spread over the capability's subtasks; failures miss one item of two. */
function capabilityCases(capability: Capability, passed: number, total: number): IaBenchCaseResult[] {
  const subtasks = SUBTASKS_BY_CAPABILITY[capability];
  return Array.from({ length: total }, (_, i) => ({
    id: `${capability}-${i}`,
    capability,
    subtask: subtasks[i % subtasks.length]!,
    checklist: ['item a', 'item b'],
    verdict: i < passed ? pass(2) : failOne(2),
  }));
}

describe('IA-Bench', () => {
  test('the published per-capability pass rates give the published IA-score 45.4', () => {
    expect(Math.abs(iaScore({ plan: 45.3, reason: 43.7, search: 46.1, memory: 49.0 })! - 45.4)).toBeLessThanOrEqual(0.05);
    const published = publishedIaBench('Qwen-Image-Agent');
    expect(Math.abs(iaScore(published.passRates)! - published.iaScore)).toBeLessThanOrEqual(0.05);
    expect(iaScore({ plan: 45.3, reason: 43.7, search: 46.1 })).toBeNull();
  });

  test('per-case results with those pass rates give the same IA-score', () => {
    const results = [
      ...capabilityCases('plan', 453, 1000),
      ...capabilityCases('reason', 437, 1000),
      ...capabilityCases('search', 461, 1000),
      ...capabilityCases('memory', 490, 1000),
    ];
    const m = computeIaBenchMetrics(results);
    expect(m.capabilities.plan.passRate).toBeCloseTo(0.453, 10);
    expect(m.capabilities.memory.passRate).toBeCloseTo(0.49, 10);
    expect(Math.abs(m.iaScore! * 100 - 45.4)).toBeLessThanOrEqual(0.05);
    // Failing cases pass 1 item of 2.
    expect(m.capabilities.plan.checklistAccuracy).toBeCloseTo((453 + 547 * 0.5) / 1000, 10);
  });

  test('capability pass rates are micro-averaged over instances, not over subtasks', () => {
    // composition: 1 of 1 passes; enumeration: 0 of 3. Micro 1/4 = 0.25 (a subtask mean would say 0.5).
    const results: IaBenchCaseResult[] = [
      { id: 'c1', capability: 'plan', subtask: 'composition', checklist: ['a'], verdict: pass(1) },
      ...[1, 2, 3].map((i): IaBenchCaseResult => ({ id: `e${i}`, capability: 'plan', subtask: 'enumeration', checklist: ['a'], verdict: failOne(1) })),
    ];
    const m = computeIaBenchMetrics(results);
    expect(m.capabilities.plan.passRate).toBe(0.25);
    expect(m.subtasks.composition.passRate).toBe(1);
    expect(m.subtasks.enumeration.passRate).toBe(0);
    expect(m.subtasks.multi_panel).toMatchObject({ cases: 0, passRate: null });
    expect(m.iaScore).toBeNull(); // reason, search and memory have no cases
  });

  test('checklist accuracy is the mean per-case fraction', () => {
    const results: IaBenchCaseResult[] = [
      {
        id: 'a',
        capability: 'reason',
        subtask: 'math',
        checklist: ['1', '2', '3', '4'],
        verdict: { outcome: 'judged', results: [true, true, true, false], notes: [] },
      },
      { id: 'b', capability: 'reason', subtask: 'math', checklist: ['1', '2'], verdict: { outcome: 'judged', results: [false, false], notes: [] } },
    ];
    const m = computeIaBenchMetrics(results);
    expect(m.subtasks.math.checklistAccuracy).toBeCloseTo((0.75 + 0) / 2, 10);
    expect(m.subtasks.math.passRate).toBe(0);
  });

  test('unjudged cases count as failures in the headline, are counted apart, and drop out of the with-verdict rates', () => {
    const results: IaBenchCaseResult[] = [
      { id: 'p', capability: 'search', subtask: 'weather', checklist: ['a'], verdict: pass(1) },
      { id: 'r', capability: 'search', subtask: 'weather', checklist: ['a'], verdict: { outcome: 'refused', raw: "I can't help with that." } },
      { id: 'u', capability: 'search', subtask: 'weather', checklist: ['a'], verdict: { outcome: 'unparseable', raw: '???' } },
      { id: 'e', capability: 'search', subtask: 'weather', checklist: ['a'], verdict: { outcome: 'error', message: 'judge timed out' } },
      { id: 'n', capability: 'search', subtask: 'weather', checklist: ['a'], verdict: { outcome: 'no_image', message: 'render refused' } },
    ];
    const s = computeIaBenchMetrics(results).subtasks.weather;
    expect(s.outcomes).toEqual({ judged: 1, noImage: 1, refused: 1, unparseable: 1, error: 1 });
    expect(s.unjudged).toBe(3);
    expect(s.passRate).toBe(1 / 5);
    // A missing image is the system's failure, so it stays in the with-verdict denominator.
    expect(s.passRateWithVerdict).toBe(1 / 2);
  });

  test('a case reported twice is an error, not double counting', () => {
    const [one] = capabilityCases('plan', 1, 1);
    expect(() => computeIaBenchMetrics([one!, one!])).toThrow('plan-0');
  });

  test('every published IA-Bench entry with all four pass rates is consistent with its IA-score', () => {
    const complete = PUBLISHED_IA_BENCH.flatMap((entry) => {
      const score = iaScore(entry.passRates);
      return score === null ? [] : [{ system: entry.system, score, published: entry.iaScore }];
    });
    // An empty list would pass vacuously (today only Qwen-Image-Agent has all four rates).
    expect(complete.length).toBeGreaterThan(0);
    for (const { system, score, published } of complete) expect([system, Math.abs(score - published) <= 0.05]).toEqual([system, true]);
  });
});

describe('MindBench', () => {
  test('accuracy per category and overall; a case passes only when every item passes', () => {
    const m = computeMindBenchMetrics([
      { type: '1_SpecialEvent', id: 1, checklist: ['a', 'b'], verdict: pass(2) },
      { type: '1_SpecialEvent', id: 2, checklist: ['a', 'b'], verdict: failOne(2) },
      { type: '2_Weather', id: 1, checklist: ['a'], verdict: pass(1) },
      {
        type: '10_Math',
        id: 1,
        checklist: ['a', 'b', 'c'],
        verdict: { outcome: 'judged', results: [true, true], notes: ['1 of 3 answers missing; counted as false'] },
      },
      { type: '10_Math', id: 2, checklist: ['a'], verdict: { outcome: 'error', message: 'judge 500' } },
    ]);
    expect(m.categories.map((c) => [c.category, c.types, c.summary.passRate])).toEqual([
      [1, ['1_SpecialEvent'], 0.5],
      [2, ['2_Weather'], 1],
      [10, ['10_Math'], 0],
    ]);
    expect(m.overall.passRate).toBe(2 / 5);
    expect(m.overall.passRateWithVerdict).toBe(2 / 4);
    expect(m.overall.unjudged).toBe(1);
  });
});

describe('WISE-Verified', () => {
  const published = { culture: 0.92, time: 0.9167, space: 0.9333, biology: 0.8333, physics: 0.8667, chemistry: 0.9 };

  test('the formula gives 0.9020 for the published category scores', () => {
    expect(Math.abs(wiseOverall(published)! - 0.902)).toBeLessThanOrEqual(0.00005);
    expect(wiseOverall({ ...published, chemistry: null })).toBeNull();
  });

  /** `ones` of `total` prompts from the category's id range score 1. */
  function categoryResults(category: WiseCategory, ones: number, total: number, rest: WiseVerdict = { outcome: 'judged', score: 0 }): WiseCaseResult[] {
    const [first] = WISE_ID_RANGES[category];
    return Array.from({ length: total }, (_, i) => ({ promptId: first + i, verdict: i < ones ? { outcome: 'judged', score: 1 } : rest }));
  }

  const perCase = (): WiseCaseResult[] => [
    ...categoryResults('culture', 23, 25), // 0.9200
    ...categoryResults('time', 11, 12), // 0.9167
    ...categoryResults('space', 14, 15), // 0.9333
    ...categoryResults('biology', 5, 6), // 0.8333
    ...categoryResults('physics', 13, 15), // 0.8667
    ...categoryResults('chemistry', 9, 10), // 0.9000
  ];

  test('per-case scores with those category means give the same overall', () => {
    const m = computeWiseMetrics(perCase());
    for (const [category, score] of Object.entries(published)) expect(Math.abs(m.categories[category as WiseCategory].score! - score)).toBeLessThan(0.00005);
    expect(Math.abs(m.wiseOverall! - 0.902)).toBeLessThanOrEqual(0.00005);
    expect(m.categories.culture.benchmarkCases).toBe(400);
  });

  test('unjudged prompts are 0 in the headline, counted apart, and left out of the with-verdict scores', () => {
    const results = [...perCase().filter((r) => r.promptId !== 1), { promptId: 1, verdict: { outcome: 'refused', raw: 'no' } as const }];
    const m = computeWiseMetrics(results);
    expect(m.categories.culture.score).toBeCloseTo(22 / 25, 10);
    expect(m.categories.culture.scoreWithVerdict).toBeCloseTo(22 / 24, 10);
    expect(m.categories.culture.outcomes.refused).toBe(1);
    expect(m.overall.unjudged).toBe(1);
  });

  test('no image scores 0; a missing category leaves the overall undefined', () => {
    const m = computeWiseMetrics(categoryResults('culture', 1, 2, { outcome: 'no_image', message: 'render failed' }));
    expect(m.categories.culture).toMatchObject({ score: 0.5, scoreWithVerdict: 0.5, unjudged: 0 });
    expect(m.wiseOverall).toBeNull();
  });

  test('a prompt reported twice is an error', () => {
    expect(() => computeWiseMetrics([...categoryResults('time', 1, 1), ...categoryResults('time', 1, 1)])).toThrow('401');
  });
});
