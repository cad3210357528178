/** Writes report.json, report.md and chart.png into one local folder (copying it to S3 is the caller's job). */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { buildReport, type BenchmarkReport, type BenchmarkRunResults } from './buildReport';
import { renderChartPng } from './chart';
import { reportMarkdown } from './markdown';

export interface WrittenReport {
  report: BenchmarkReport;
  files: { json: string; markdown: string; chart: string };
}

export async function writeReport(dir: string, run: BenchmarkRunResults): Promise<WrittenReport> {
  const report = buildReport(run);
  await mkdir(dir, { recursive: true });
  const files = { json: path.join(dir, 'report.json'), markdown: path.join(dir, 'report.md'), chart: path.join(dir, 'chart.png') };
  await Promise.all([
    writeFile(files.json, `${JSON.stringify(report, null, 2)}\n`),
    writeFile(files.markdown, reportMarkdown(report)),
    renderChartPng(report).then((png) => writeFile(files.chart, png)),
  ]);
  return { report, files };
}
