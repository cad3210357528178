/** The comparison as one self-contained HTML page (chart and tables), to open in a browser. */
import type { ReportComparison } from './compareReports';

export function comparisonHtml(c: ReportComparison, chartSvg: string): string {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  const pct = (v: number | null) => (v === null ? '–' : (v * 100).toFixed(1));
  const delta = (v: number | null) => (v === null ? '–' : `${v > 0 ? '+' : ''}${(v * 100).toFixed(1)}`);
  const rows = c.rows
    .map(
      (r) =>
        `<tr><td>${esc(r.benchmark)}</td><td>${esc(r.group)}</td><td>${pct(r.a)}</td><td>${pct(r.b)}</td><td class="${(r.delta ?? 0) < 0 ? 'down' : (r.delta ?? 0) > 0 ? 'up' : ''}">${delta(r.delta)}</td><td>${r.casesA}</td><td>${r.casesB}</td></tr>`,
    )
    .join('\n');
  const flipped = c.flipped
    .map(
      (f) =>
        `<tr><td>${esc(f.benchmark)}</td><td>${esc(f.case)}</td><td>${esc(f.group)}</td><td>${f.a}</td><td class="${f.b === 'pass' ? 'up' : 'down'}">${f.b}</td></tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Benchmark comparison</title>
<style>body{font-family:'DejaVu Sans',sans-serif;margin:24px;color:#222}table{border-collapse:collapse;margin:12px 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}td:nth-child(-n+3),th{text-align:left}.up{color:#1a7f37}.down{color:#c62828}</style></head>
<body><h1>${esc(c.a.system)} → ${esc(c.b.system)}</h1>
<p>A: ${esc(c.a.system)}${c.a.runId ? ` (${esc(c.a.runId)})` : ''} · B: ${esc(c.b.system)}${c.b.runId ? ` (${esc(c.b.runId)})` : ''} · rates in percent, Δ = B − A in points</p>
<figure>${chartSvg}</figure>
<table><thead><tr><th>Benchmark</th><th>Group</th><th>A</th><th>B</th><th>Δ</th><th>Cases A</th><th>Cases B</th></tr></thead><tbody>
${rows}
</tbody></table>
<h2>Flipped cases (${c.flipped.length})</h2>
<table><thead><tr><th>Benchmark</th><th>Case</th><th>Group</th><th>A</th><th>B</th></tr></thead><tbody>
${flipped}
</tbody></table></body></html>
`;
}
