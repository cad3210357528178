/**
 * Ours vs the paper's published numbers as a grouped bar chart: a Vega spec rendered headless to
 * SVG, then rasterised to PNG by sharp. Every metric is shown in percent so one axis serves all.
 */
import sharp from 'sharp';
import * as vega from 'vega';
import type { BenchmarkReport, ComparisonRow } from './buildReport';

const FONT = 'DejaVu Sans';

interface Bar {
  metric: string;
  series: string;
  value: number;
}

function chartBars(report: BenchmarkReport): Bar[] {
  const bars: Bar[] = [];
  for (const row of report.comparison) {
    const toPercent = (v: number): number => (row.unit === 'percent' ? v : v * 100);
    const metric = shortLabel(row);
    if (row.ours !== null) bars.push({ metric, series: `${report.system} (ours)`, value: toPercent(row.ours) });
    bars.push({ metric, series: `${row.publishedSystem} (published)`, value: toPercent(row.published) });
  }
  return bars;
}

/** Headless Vega measures text without a canvas and overestimates, so axis labels stay short. */
function shortLabel(row: ComparisonRow): string {
  return row.benchmark === 'IA-Bench' ? row.metric.replace(/^Pass rate (.*)$/, '$1 PR') : row.benchmark;
}

export function chartSpec(report: BenchmarkReport): vega.Spec {
  return {
    $schema: 'https://vega.github.io/schema/vega/v5.json',
    width: Math.max(320, 90 * report.comparison.length),
    height: 300,
    padding: 12,
    background: 'white',
    title: {
      text: `${report.system} vs published (${report.paper})`,
      subtitle: 'All in percent (MindBench and WISE-Verified fractions × 100); a missing bar was not computed',
      font: FONT,
      subtitleFont: FONT,
      fontSize: 14,
    },
    data: [{ name: 'bars', values: chartBars(report) }],
    scales: [
      { name: 'x', type: 'band', domain: { data: 'bars', field: 'metric' }, range: 'width', padding: 0.2 },
      { name: 'y', type: 'linear', domain: [0, 100], range: 'height' },
      { name: 'color', type: 'ordinal', domain: { data: 'bars', field: 'series' }, range: ['#4c78a8', '#f58518'] },
    ],
    axes: [
      { orient: 'bottom', scale: 'x', labelFont: FONT, labelLimit: 0 },
      { orient: 'left', scale: 'y', title: 'score (%)', labelFont: FONT, titleFont: FONT, grid: true },
    ],
    legends: [{ fill: 'color', orient: 'top', direction: 'horizontal', labelFont: FONT, labelLimit: 400 }],
    marks: [
      {
        type: 'group',
        from: { facet: { data: 'bars', name: 'metricBars', groupby: 'metric' } },
        encode: { enter: { x: { scale: 'x', field: 'metric' } } },
        signals: [{ name: 'width', update: "bandwidth('x')" }],
        // Positions come from the whole series list, so a metric without our bar keeps the published one in place.
        scales: [{ name: 'slot', type: 'band', range: 'width', domain: { data: 'bars', field: 'series' } }],
        marks: [
          {
            type: 'rect',
            from: { data: 'metricBars' },
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
          {
            type: 'text',
            from: { data: 'metricBars' },
            encode: {
              enter: {
                x: { scale: 'slot', field: 'series', band: 0.5 },
                y: { scale: 'y', field: 'value', offset: -3 },
                text: { signal: "format(datum.value, '.1f')" },
                align: { value: 'center' },
                baseline: { value: 'bottom' },
                font: { value: FONT },
                fontSize: { value: 9 },
              },
            },
          },
        ],
      },
    ],
  };
}

async function renderChartSvg(report: BenchmarkReport): Promise<string> {
  const view = new vega.View(vega.parse(chartSpec(report)), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Rasterised at 2× (144 dpi) so the PNG stays legible when embedded or zoomed. */
export async function renderChartPng(report: BenchmarkReport): Promise<Buffer> {
  return sharp(Buffer.from(await renderChartSvg(report)), { density: 144 })
    .png()
    .toBuffer();
}
