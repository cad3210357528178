/** The comparison as grouped bars (A and B per subtask or category, in percent): Vega → SVG, and PNG by sharp. */
import sharp from 'sharp';
import * as vega from 'vega';
import type { ReportComparison } from './compareReports';

const FONT = 'DejaVu Sans';

function comparisonChartSpec(c: ReportComparison): vega.Spec {
  const series = (s: { system: string; runId?: string }, tag: string) => `${tag}: ${s.system}${s.runId ? ` (${s.runId})` : ''}`;
  const values = c.rows.flatMap((r) => {
    const group = `${r.benchmark === 'IA-Bench' ? '' : `${r.benchmark} `}${r.group}`;
    return [
      ...(r.a !== null ? [{ group, series: series(c.a, 'A'), value: r.a * 100 }] : []),
      ...(r.b !== null ? [{ group, series: series(c.b, 'B'), value: r.b * 100 }] : []),
    ];
  });
  return {
    $schema: 'https://vega.github.io/schema/vega/v5.json',
    width: Math.max(360, 56 * c.rows.length),
    height: 300,
    padding: 12,
    background: 'white',
    title: {
      text: 'Benchmark comparison: A vs B',
      subtitle: 'Pass rate or score per subtask / category, in percent',
      font: FONT,
      subtitleFont: FONT,
      fontSize: 14,
    },
    data: [{ name: 'bars', values }],
    scales: [
      { name: 'x', type: 'band', domain: { data: 'bars', field: 'group' }, range: 'width', padding: 0.2 },
      { name: 'y', type: 'linear', domain: [0, 100], range: 'height' },
      { name: 'color', type: 'ordinal', domain: { data: 'bars', field: 'series' }, range: ['#4c78a8', '#e45756'] },
    ],
    axes: [
      { orient: 'bottom', scale: 'x', labelFont: FONT, labelAngle: -40, labelAlign: 'right', labelLimit: 0 },
      { orient: 'left', scale: 'y', title: 'percent', labelFont: FONT, titleFont: FONT, grid: true },
    ],
    legends: [{ fill: 'color', orient: 'top', direction: 'horizontal', labelFont: FONT, labelLimit: 500 }],
    marks: [
      {
        type: 'group',
        from: { facet: { data: 'bars', name: 'groupBars', groupby: 'group' } },
        encode: { enter: { x: { scale: 'x', field: 'group' } } },
        signals: [{ name: 'width', update: "bandwidth('x')" }],
        scales: [{ name: 'slot', type: 'band', range: 'width', domain: { data: 'bars', field: 'series' } }],
        marks: [
          {
            type: 'rect',
            from: { data: 'groupBars' },
            encode: {
              enter: {
                x: { scale: 'slot', field: 'series' },
                width: { scale: 'slot', band: 1 },
                y: { scale: 'y', field: 'value' },
                y2: { scale: 'y', value: 0 },
                fill: { scale: 'color', field: 'series' },
              },
            },
          },
        ],
      },
    ],
  };
}

export async function comparisonChartSvg(c: ReportComparison): Promise<string> {
  const view = new vega.View(vega.parse(comparisonChartSpec(c)), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

export async function comparisonChartPng(svg: string): Promise<Buffer> {
  return sharp(Buffer.from(svg), { density: 144 }).png().toBuffer();
}
