/** The comparison as Markdown: one table of groups with their difference, then the flipped cases. */
import type { ReportComparison } from './compareReports';

const FLIPPED_SHOWN = 100;

export function comparisonMarkdown(c: ReportComparison): string {
  const label = (s: { system: string; runId?: string }) => `${s.system}${s.runId ? ` (${s.runId})` : ''}`;
  const out = [`# ${label(c.a)} → ${label(c.b)}`, '', 'A = the first report, B = the second; rates in percent, Δ = B − A in points.', ''];
  out.push(
    table(
      ['Benchmark', 'Group', 'A', 'B', 'Δ', 'Cases A', 'Cases B'],
      c.rows.map((r) => [r.benchmark, r.group, pct(r.a), pct(r.b), r.delta === null ? '–' : signed(r.delta * 100), String(r.casesA), String(r.casesB)]),
      'llrrrrr',
    ),
  );
  const gained = c.flipped.filter((f) => f.b === 'pass').length;
  out.push('', `## Flipped cases: ${c.flipped.length} (${gained} now pass, ${c.flipped.length - gained} no longer pass)`, '');
  if (c.flipped.length > 0) {
    out.push(
      table(
        ['Benchmark', 'Case', 'Group', 'A', 'B'],
        c.flipped.slice(0, FLIPPED_SHOWN).map((f) => [f.benchmark, f.case, f.group, f.a, f.b]),
        'lllll',
      ),
    );
    if (c.flipped.length > FLIPPED_SHOWN) out.push('', `… and ${c.flipped.length - FLIPPED_SHOWN} more in compare.json.`);
  }
  return `${out.join('\n')}\n`;
}

function pct(v: number | null): string {
  return v === null ? '–' : (v * 100).toFixed(1);
}

function signed(v: number): string {
  const text = Math.abs(v).toFixed(1);
  return Number(text) === 0 ? text : v > 0 ? `+${text}` : `−${text}`;
}

function table(header: string[], rows: string[][], align: string): string {
  const rule = header.map((_, i) => (align[i] === 'r' ? '---:' : '---'));
  return [header, rule, ...rows].map((cells) => `| ${cells.map((x) => x.replace(/\|/g, '\\|')).join(' | ')} |`).join('\n');
}
