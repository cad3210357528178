/**
 * `image-agent bench compare` on two reports of the sample suite: the whole system, and an ablation without
 * search. The verdicts are made up (every case passes in A; in B the search cases and one reasoning case fail)
 * so the test needs no generation; the reports themselves come out of the real report builder. The chart and a
 * screenshot of the comparison page are kept in test-artifacts/.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { loadIaBenchSuite } from '../benchmarks/iaBench/suite';
import { renderReport } from '../benchmarks/report/renderReport';
import type { ReportComparison } from '../benchmarks/compare/compareReports';
import { projectRoot } from '../common/paths';
import { launchBrowser, screenshot } from './support/browser';
import { runCli } from './support/cli';
import { ARTIFACTS } from './support/paths';

const SUITE = path.join(projectRoot, 'benchmarks', 'suites', 'ia-bench-sample.jsonl');

describe('bench compare', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-compare-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('per-subtask differences, flipped cases, a table, a chart and a page', async () => {
    const cases = await loadIaBenchSuite(SUITE);
    const failInB = (c: (typeof cases)[number]) => c.capability === 'search' || c.id === cases.find((x) => x.subtask === 'math')!.id;
    const write = async (name: string, system: string, passes: (c: (typeof cases)[number]) => boolean) => {
      const { json } = await renderReport({
        system,
        runId: name,
        generatedAt: '2026-01-01T00:00:00Z',
        iaBench: cases.map((c) => ({
          id: c.id,
          capability: c.capability,
          subtask: c.subtask,
          checklist: c.checklist,
          verdict: { outcome: 'judged', results: c.checklist.map(() => passes(c)), notes: [] },
        })),
      });
      const file = path.join(dir, name, 'report.json');
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, json);
      return file;
    };
    const a = await write('full', 'image-agent', () => true);
    const b = await write('no-search', 'image-agent (without search)', (c) => !failInB(c));
    const out = path.join(dir, 'compare');

    const res = await runCli(['bench', 'compare', a, b, '--out', out, '--json']);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    const comparison = JSON.parse(res.stdout) as ReportComparison & { files: Record<string, string> };

    const search = cases.filter((c) => c.capability === 'search');
    const row = (group: string) => comparison.rows.find((r) => r.group === group)!;
    expect(row('game')).toMatchObject({ benchmark: 'IA-Bench', a: 1, b: 0, delta: -1 });
    expect(row('composition')).toMatchObject({ a: 1, b: 1, delta: 0 });
    const math = cases.filter((c) => c.subtask === 'math').length;
    expect(row('math').delta).toBeCloseTo(-1 / math, 10);
    expect(row('IA-score').delta).toBeCloseTo(-0.3 - 0.3 / cases.filter((c) => c.capability === 'reason').length, 10);
    expect(comparison.flipped).toHaveLength(search.length + 1);
    expect(comparison.flipped.every((f) => f.a === 'pass' && f.b === 'fail')).toBe(true);

    const markdown = fs.readFileSync(comparison.files.markdown!, 'utf8');
    expect(markdown).toContain('| IA-Bench | game | 100.0 | 0.0 | −100.0 |');
    expect(markdown).toContain(`## Flipped cases: ${search.length + 1} (0 now pass, ${search.length + 1} no longer pass)`);
    const chart = await sharp(fs.readFileSync(comparison.files.chart!)).metadata();
    expect(chart.format).toBe('png');
    expect(chart.width).toBeGreaterThan(600);

    fs.mkdirSync(ARTIFACTS, { recursive: true });
    fs.copyFileSync(comparison.files.chart!, path.join(ARTIFACTS, 'bench-compare-chart.png'));
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      await page.goto(`file://${comparison.files.html}`);
      expect(await page.locator('svg').count()).toBeGreaterThan(0);
      expect(await page.locator('tbody tr').count()).toBe(comparison.rows.length + comparison.flipped.length);
      const file = await screenshot(page, 'bench-compare');
      expect(fs.statSync(file).size).toBeGreaterThan(10_000);
    } finally {
      await browser.close();
    }
  });

  test('a file that is not a report is refused with its name and field', async () => {
    const bad = path.join(dir, 'bad.json');
    fs.writeFileSync(bad, JSON.stringify({ iaBench: {} }));
    const res = await runCli(['bench', 'compare', bad, bad]);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/bad\.json: field "system"/);
  });
});
