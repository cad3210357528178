/**
 * `image-agent bench compare a.json b.json`: two benchmark reports side by side (per-subtask and per-category
 * differences, flipped cases) as a table and a chart: compare.md, compare.json, compare.png and compare.html.
 * It reads files only: no stack is needed.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { comparisonChartPng, comparisonChartSvg } from '../../benchmarks/compare/compareChart';
import { comparisonHtml } from '../../benchmarks/compare/compareHtml';
import { comparisonMarkdown } from '../../benchmarks/compare/compareMarkdown';
import { compareReports, parseComparableReport } from '../../benchmarks/compare/compareReports';
import { printJson } from './context';

function readReport(file: string) {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`${file}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  try {
    return parseComparableReport(file, JSON.parse(text));
  } catch (err) {
    throw err instanceof SyntaxError ? new Error(`${file}: not JSON (${err.message})`) : err;
  }
}

export function registerBenchCompare(bench: Command): void {
  bench
    .command('compare')
    .description('compare two benchmark reports: per-subtask differences and flipped cases, as a table and a chart')
    .argument('<a>', 'the first report.json (A)')
    .argument('<b>', 'the second report.json (B)')
    // --out and --json are bench's own options, which commander parses for the parent wherever they appear.
    .addHelpText('after', '\nOptions: --out <dir> (default: the folder of B) for compare.md, compare.json, compare.png, compare.html; --json to print JSON.')
    .action(async (a: string, b: string, _flags: unknown, cmd: Command) => {
      const parent = cmd.parent!;
      const flags = parent.opts<{ out: string; json?: boolean }>();
      const comparison = compareReports(readReport(a), readReport(b));
      const dir = parent.getOptionValueSource('out') === 'cli' ? flags.out : path.dirname(path.resolve(b));
      fs.mkdirSync(dir, { recursive: true });
      const svg = await comparisonChartSvg(comparison);
      const files = {
        markdown: path.join(dir, 'compare.md'),
        json: path.join(dir, 'compare.json'),
        chart: path.join(dir, 'compare.png'),
        html: path.join(dir, 'compare.html'),
      };
      const markdown = comparisonMarkdown(comparison);
      fs.writeFileSync(files.markdown, markdown);
      fs.writeFileSync(files.json, `${JSON.stringify(comparison, null, 2)}\n`);
      fs.writeFileSync(files.chart, await comparisonChartPng(svg));
      fs.writeFileSync(files.html, comparisonHtml(comparison, svg));
      if (flags.json) return printJson({ ...comparison, files });
      console.log(markdown);
      console.log(`table      ${files.markdown}\nchart      ${files.chart}\npage       ${files.html}`);
    });
}
