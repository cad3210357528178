/** The report as the bytes to store: report.json, report.md and chart.png (putting them somewhere is the caller's job). */
import { buildReport, type BenchmarkReport, type BenchmarkRunResults } from './buildReport';
import { renderChartPng } from './chart';
import { reportMarkdown } from './markdown';

export interface RenderedReport {
  report: BenchmarkReport;
  /** The report, then `extra`'s fields, as indented JSON. */
  json: string;
  markdown: string;
  chartPng: Buffer;
}

/** `extra` carries what the caller knows beyond the metrics (e.g. the raw per-case results) into report.json only. */
export async function renderReport(run: BenchmarkRunResults, extra: Readonly<Record<string, unknown>> = {}): Promise<RenderedReport> {
  const report = buildReport(run);
  return {
    report,
    json: `${JSON.stringify({ ...report, ...extra }, null, 2)}\n`,
    markdown: reportMarkdown(report),
    chartPng: await renderChartPng(report),
  };
}
