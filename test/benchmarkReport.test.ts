/** Benchmark outputs: the report (JSON, Markdown, PNG chart) and the MindBench and WISE-Verified result files. */
import sharp from 'sharp';
import type { IaBenchCaseResult } from '../benchmarks/iaBench/metrics';
import { CAPABILITIES, SUBTASKS_BY_CAPABILITY } from '../benchmarks/iaBench/taxonomy';
import type { MindBenchCaseResult } from '../benchmarks/mindBench/metrics';
import { formatMindBenchResults } from '../benchmarks/mindBench/results';
import type { BenchmarkReport } from '../benchmarks/report/buildReport';
import { chartSpec } from '../benchmarks/report/chart';
import { renderReport, type RenderedReport } from '../benchmarks/report/renderReport';
import { WISE_CATEGORIES, WISE_ID_RANGES } from '../benchmarks/wise/categories';
import type { WiseCaseResult } from '../benchmarks/wise/metrics';
import { formatWiseScores } from '../benchmarks/wise/scores';

/** Per capability: 10 cases of which `passed` pass; the first failing case of search is a judge refusal. */
function iaResults(passed: Record<string, number>): IaBenchCaseResult[] {
  return CAPABILITIES.flatMap((capability) =>
    Array.from({ length: 10 }, (_, i): IaBenchCaseResult => {
      const subtask = SUBTASKS_BY_CAPABILITY[capability][i % SUBTASKS_BY_CAPABILITY[capability].length]!;
      const base = { id: `${capability}-${i}`, capability, subtask, checklist: ['a', 'b'] };
      if (i < passed[capability]!) return { ...base, verdict: { outcome: 'judged', results: [true, true], notes: [] } };
      if (capability === 'search' && i === passed[capability]) return { ...base, verdict: { outcome: 'refused', raw: "I can't help with that." } };
      return { ...base, verdict: { outcome: 'judged', results: [true, false], notes: [] } };
    }),
  );
}

const mindResults: MindBenchCaseResult[] = [
  { type: '1_SpecialEvent', id: 1, checklist: ['Eiffel Tower', 'Paris'], verdict: { outcome: 'judged', results: [true, true], notes: [] } },
  { type: '1_SpecialEvent', id: 2, checklist: ['stadium', 'fireworks'], verdict: { outcome: 'judged', results: [true, false], notes: [] } },
  { type: '6_ScienceLogic', id: 1, checklist: ['frozen'], verdict: { outcome: 'no_image', message: 'render failed' } },
  { type: '10_Math', id: 1, checklist: ['14 candles'], verdict: { outcome: 'unparseable', raw: '???' } },
];

const wiseResults: WiseCaseResult[] = WISE_CATEGORIES.flatMap((c) => {
  const first = WISE_ID_RANGES[c][0];
  return [
    { promptId: first + 1, verdict: { outcome: 'judged', score: 0 } },
    { promptId: first, verdict: { outcome: 'judged', score: 1 } },
  ];
});

describe('renderReport', () => {
  let rendered: RenderedReport;

  beforeAll(async () => {
    rendered = await renderReport(
      {
        system: 'image-agent',
        runId: 'bench-test-1',
        generatedAt: '2026-07-01T12:00:00.000Z',
        iaBench: iaResults({ plan: 4, reason: 5, search: 3, memory: 6 }),
        mindBench: mindResults,
        wise: wiseResults,
      },
      { caseResults: [{ caseId: 'plan-0' }] },
    );
  });

  test('report.json holds every case, the aggregates and the extra fields', () => {
    const json = JSON.parse(rendered.json) as BenchmarkReport & { caseResults: unknown };
    expect(json.iaBench!.cases).toHaveLength(40);
    expect(json.mindBench!.cases.map((c) => c.imageName)).toEqual(['1_1.png', '1_2.png', '6_1.png', '10_1.png']);
    expect(json.wise!.cases).toHaveLength(12);
    // 0.3·0.4 + 0.3·0.5 + 0.3·0.3 + 0.1·0.6 = 0.42
    expect(json.iaBench!.metrics.iaScore).toBeCloseTo(0.42, 10);
    expect(json.mindBench!.metrics.overall.passRate).toBe(0.25);
    expect(json.wise!.metrics.wiseOverall).toBeCloseTo(0.5, 10);
    expect(json.comparison.find((r) => r.metric === 'IA-score')).toMatchObject({ ours: expect.closeTo(42, 10), published: 45.4, unit: 'percent' });
    expect(json.caseResults).toEqual([{ caseId: 'plan-0' }]);
    expect(rendered.report).not.toHaveProperty('caseResults');
  });

  test('the Markdown shows the published 45.4 next to ours, and flags unjudged cases and partial coverage', () => {
    const md = rendered.markdown;
    expect(md).toContain('| IA-Bench | IA-score (%) | 42.0 | 45.4 | −3.4 | 40 |');
    expect(md).toContain('| IA-Bench | Pass rate Memory (%) | 60.0 | 49.0 | +11.0 | 10 |');
    expect(md).toContain('| MindBench | Accuracy | 0.25 | 0.42 | −0.17 | 4 |');
    expect(md).toContain('| WISE-Verified | Overall | 0.500 | 0.902 | −0.402 | 12 |');
    expect(md).toContain('IA-Bench: 1 case(s) got no verdict from the judge (1 refused, 0 unparseable, 0 errors)');
    expect(md).toContain('MindBench: 1 case(s) got no verdict from the judge (0 refused, 1 unparseable, 0 errors)');
    expect(md).toContain('IA-Bench: 40 of the benchmark');
    expect(md).toContain('| **image-agent (ours)** | **42.0** |');
  });

  test('chart.png is a PNG of plausible size', async () => {
    const meta = await sharp(rendered.chartPng).metadata();
    expect(meta.format).toBe('png');
    expect(meta.width).toBeGreaterThan(600);
    expect(meta.width).toBeLessThan(4000);
    expect(meta.height).toBeGreaterThan(300);
    expect(meta.height).toBeLessThan(3000);
  });

  test('the chart plots ours and published for every compared metric', () => {
    const { report } = rendered;
    const spec = chartSpec(report);
    const bars = (spec.data![0] as { values: Array<{ metric: string; series: string }> }).values;
    expect(bars).toHaveLength(report.comparison.length * 2);
    expect(new Set(bars.map((b) => b.series))).toEqual(new Set(['image-agent (ours)', 'Qwen-Image-Agent (published)']));
  });
});

describe('MindBench results file', () => {
  test('one line per judged case, in the official shape; a missing image and an unparseable answer get no line', () => {
    const { jsonl, unwritten } = formatMindBenchResults(mindResults);
    const lines = jsonl
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toEqual([
      { Type: '1_SpecialEvent', ID: 1, Image_Name: '1_1.png', Eval: true, Checklist: ['Eiffel Tower', 'Paris'], Checklist_results: [true, true] },
      { Type: '1_SpecialEvent', ID: 2, Image_Name: '1_2.png', Eval: false, Checklist: ['stadium', 'fireworks'], Checklist_results: [true, false] },
    ]);
    expect(unwritten).toEqual([
      { imageName: '6_1.png', outcome: 'no_image' },
      { imageName: '10_1.png', outcome: 'unparseable' },
    ]);
  });
});

describe('WISE-Verified scores file', () => {
  test('one {"prompt_id", "score"} line per prompt, sorted; every case without a verdict is a 0 with its reason on the side', () => {
    const results: WiseCaseResult[] = [
      { promptId: 402, verdict: { outcome: 'judged', score: 1 } },
      { promptId: 7, verdict: { outcome: 'no_image', message: 'render failed' } },
      { promptId: 3, verdict: { outcome: 'refused', raw: 'no' } },
      { promptId: 1, verdict: { outcome: 'judged', score: 0 } },
      { promptId: 900, verdict: { outcome: 'error', message: 'timeout' } },
    ];
    const { jsonl, unjudged, unjudgedJsonl } = formatWiseScores(results);
    expect(jsonl).toBe(
      '{"prompt_id":1,"score":0}\n{"prompt_id":3,"score":0}\n{"prompt_id":7,"score":0}\n{"prompt_id":402,"score":1}\n{"prompt_id":900,"score":0}\n',
    );
    expect(unjudged).toEqual([
      { promptId: 3, outcome: 'refused', reason: 'the judge refused: "no"' },
      { promptId: 7, outcome: 'no_image', reason: 'no image: render failed' },
      { promptId: 900, outcome: 'error', reason: 'judge error: timeout' },
    ]);
    expect(unjudgedJsonl.split('\n')[0]).toBe('{"prompt_id":3,"outcome":"refused","reason":"the judge refused: \\"no\\""}');
  });
});
