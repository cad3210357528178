/** The report as Markdown: our numbers next to the paper's first, then the breakdowns and judge outcomes. */
import { SUBTASKS_BY_CAPABILITY, CAPABILITIES } from '../iaBench/taxonomy';
import { PUBLISHED_IA_BENCH, REFERENCE_SYSTEM } from '../publishedNumbers';
import type { ChecklistSummary } from '../scoring/checklistSummary';
import type { OutcomeCounts } from '../scoring/outcomeCounts';
import { WISE_CATEGORIES } from '../wise/categories';
import type { BenchmarkReport, ComparisonRow } from './buildReport';
import { runRecordMarkdown } from './runRecord';

/** The Markdown stays readable on a full run; report.json keeps them all. */
const UNJUDGED_SHOWN = 50;

export function reportMarkdown(report: BenchmarkReport): string {
  const out: string[] = [`# Benchmark report: ${report.system}`, ''];
  out.push(`${report.runId !== undefined ? `Run \`${report.runId}\`, generated` : 'Generated'} ${report.generatedAt}. Published numbers: ${report.paper}.`, '');
  out.push('## Ours vs published', '');
  out.push(table(['Benchmark', 'Metric', 'Ours', `Published (${REFERENCE_SYSTEM})`, 'Δ', 'Cases'], report.comparison.map(comparisonCells), 'llrrrr'));
  if (report.warnings.length > 0) out.push('', '## Warnings', '', ...report.warnings.map((w) => `- ${w}`));
  if (report.record) out.push('', ...runRecordMarkdown(report.record));

  if (report.iaBench) {
    const { metrics } = report.iaBench;
    out.push(
      '',
      '## IA-Bench by capability and subtask',
      '',
      'Rates in percent. Headline rates count unjudged cases as failures; "with verdict" rates leave them out.',
      '',
    );
    const rows: string[][] = [];
    for (const c of CAPABILITIES) {
      rows.push([`**${c}**`, '(all)', ...checklistCells(metrics.capabilities[c], 100, 1)]);
      for (const s of SUBTASKS_BY_CAPABILITY[c]) rows.push(['', s, ...checklistCells(metrics.subtasks[s], 100, 1)]);
    }
    rows.push(['**all**', '', ...checklistCells(metrics.overall, 100, 1)]);
    out.push(table(['Capability', 'Subtask', 'Cases', 'Pass rate', 'Checklist accuracy', 'Pass rate (with verdict)', 'Unjudged'], rows, 'llrrrrr'));
    out.push('', '### IA-score among published systems', '');
    const ranking = [
      ...PUBLISHED_IA_BENCH.map((e) => ({
        system: `${e.system}${e.kind === 'ablation' ? ' (ablation)' : ''}`,
        score: e.iaScore as number | null,
        ours: false,
      })),
      { system: `**${report.system} (ours)**`, score: metrics.iaScore === null ? null : metrics.iaScore * 100, ours: true },
    ].sort((a, b) => (b.score ?? -1) - (a.score ?? -1));
    out.push(
      table(
        ['System', 'IA-score'],
        ranking.map((r) => [r.system, r.ours ? `**${fixed(r.score, 1)}**` : fixed(r.score, 1)]),
        'lr',
      ),
    );
  }

  if (report.mindBench) {
    const { metrics } = report.mindBench;
    out.push('', '## MindBench by category', '', 'Accuracy = share of cases with every checklist item passed.', '');
    const rows = metrics.categories.map((c) => [String(c.category), c.types.join(', '), ...checklistCells(c.summary, 1, 3)]);
    rows.push(['**all**', '', ...checklistCells(metrics.overall, 1, 3)]);
    out.push(table(['Category', 'Type', 'Cases', 'Accuracy', 'Checklist accuracy', 'Accuracy (with verdict)', 'Unjudged'], rows, 'llrrrrr'));
  }

  if (report.wise) {
    const { metrics } = report.wise;
    out.push('', '## WISE-Verified by category', '', 'Overall = 0.40·Culture + 0.12·(Time + Space + Biology + Physics + Chemistry).', '');
    const rows = WISE_CATEGORIES.map((c) => {
      const s = metrics.categories[c];
      return [c, `${s.cases} of ${s.benchmarkCases}`, fixed(s.score, 4), fixed(s.scoreWithVerdict, 4), String(s.unjudged)];
    });
    rows.push([
      '**overall**',
      `${metrics.overall.cases} of 1000`,
      fixed(metrics.wiseOverall, 4),
      fixed(metrics.wiseOverallWithVerdict, 4),
      String(metrics.overall.unjudged),
    ]);
    out.push(table(['Category', 'Cases', 'Score', 'Score (with verdict)', 'Unjudged'], rows, 'lrrrr'));
  }

  out.push('', '## Judge outcomes', '');
  const outcomeRows: string[][] = [];
  if (report.iaBench) outcomeRows.push(outcomeCells('IA-Bench', report.iaBench.metrics.overall.outcomes));
  if (report.mindBench) outcomeRows.push(outcomeCells('MindBench', report.mindBench.metrics.overall.outcomes));
  if (report.wise) outcomeRows.push(outcomeCells('WISE-Verified', report.wise.metrics.overall.outcomes));
  out.push(table(['Benchmark', 'Judged', 'No image (scored as fail)', 'Refused', 'Unparseable', 'Error'], outcomeRows, 'lrrrrr'));
  if (report.unjudged.length > 0) {
    out.push(
      '',
      '## Cases without a verdict of their own',
      '',
      'Each counts as a failure in the headline; WISE-Verified writes it as score 0 in scores.jsonl and lists it in unjudged.jsonl.',
      '',
    );
    const shown = report.unjudged.slice(0, UNJUDGED_SHOWN);
    out.push(
      table(
        ['Benchmark', 'Case', 'Outcome', 'Reason'],
        shown.map((u) => [u.benchmark, u.case, u.outcome, u.reason.replace(/\s+/g, ' ')]),
        'llll',
      ),
    );
    if (report.unjudged.length > shown.length) out.push('', `… and ${report.unjudged.length - shown.length} more in report.json.`);
  }
  if (report.spend) {
    const s = report.spend;
    out.push(
      '',
      '## Spend',
      '',
      `$${s.settledUsd.toFixed(4)} charged for ${s.calls} paid calls${s.reservedUsd > 0 ? `, $${s.reservedUsd.toFixed(4)} still reserved by calls in flight` : ''}${s.limitUsd !== undefined ? `, of a batch budget of $${s.limitUsd.toFixed(2)}` : ''} (the spend ledger).`,
    );
  }
  if (report.degraded.length > 0) {
    out.push('', '## Degraded cases', '', 'Scored as they came out, but the run was not whole.', '');
    const shown = report.degraded.slice(0, UNJUDGED_SHOWN);
    out.push(
      table(
        ['Case', 'Why'],
        shown.map((d) => [d.caseId, d.reasons.join('; ').replace(/\s+/g, ' ')]),
        'll',
      ),
    );
    if (report.degraded.length > shown.length) out.push('', `… and ${report.degraded.length - shown.length} more in report.json.`);
  }
  return `${out.join('\n')}\n`;
}

function comparisonCells(row: ComparisonRow): string[] {
  const scale = row.unit === 'percent' ? ' (%)' : '';
  const delta = row.ours === null ? '–' : signed(row.ours - row.published, row.decimals);
  return [row.benchmark, `${row.metric}${scale}`, fixed(row.ours, row.decimals), row.published.toFixed(row.decimals), delta, String(row.cases)];
}

function checklistCells(s: ChecklistSummary, scale: number, decimals: number): string[] {
  const scaled = (v: number | null): string => fixed(v === null ? null : v * scale, decimals);
  return [String(s.cases), scaled(s.passRate), scaled(s.checklistAccuracy), scaled(s.passRateWithVerdict), String(s.unjudged)];
}

function outcomeCells(benchmark: string, o: OutcomeCounts): string[] {
  return [benchmark, String(o.judged), String(o.noImage), String(o.refused), String(o.unparseable), String(o.error)];
}

function fixed(value: number | null, decimals: number): string {
  return value === null ? '–' : value.toFixed(decimals);
}

function signed(value: number, decimals: number): string {
  const text = Math.abs(value).toFixed(decimals);
  if (Number(text) === 0) return text;
  return value > 0 ? `+${text}` : `−${text}`;
}

/** `align` holds one letter per column: l or r. */
function table(header: string[], rows: string[][], align: string): string {
  const rule = header.map((_, i) => (align[i] === 'r' ? '---:' : '---'));
  return [header, rule, ...rows].map((cells) => `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`).join('\n');
}
