/**
 * One dashboard panel drawn as Grafana would draw it, from Prometheus's answer to the panel's own queries:
 * a Vega line chart rendered headless to SVG (the project's charting library, no browser).
 */
import * as vega from 'vega';
import type { DashboardPanel } from './dashboardPanels';

const FONT = 'DejaVu Sans';

/** One line: a series' name and its points (seconds since the sample began, value). */
export interface PanelSeries {
  name: string;
  points: { t: number; value: number }[];
}

/** d3-format strings for the Grafana units the dashboard uses; anything else prints with SI prefixes. */
function valueFormat(unit: string | undefined): string {
  if (unit === 'percentunit') return '.0%';
  return '~s';
}

function unitTitle(unit: string | undefined): string {
  const titles: Record<string, string> = { s: 'seconds', reqps: 'requests / s', percentunit: '', short: '' };
  return unit === undefined ? '' : (titles[unit] ?? unit);
}

function panelChartSpec(panel: DashboardPanel, series: PanelSeries[], caption: string): vega.Spec {
  const values = series.flatMap((s) => s.points.map((p) => ({ series: s.name, t: p.t / 60, value: p.value })));
  const empty = values.length === 0;
  return {
    $schema: 'https://vega.github.io/schema/vega/v5.json',
    width: 560,
    height: 170,
    padding: 10,
    background: 'white',
    title: { text: panel.title, subtitle: caption, font: FONT, subtitleFont: FONT, fontSize: 13, anchor: 'start', limit: 640 },
    data: [{ name: 'points', values }],
    scales: [
      { name: 'x', type: 'linear', domain: empty ? [0, 1] : { data: 'points', field: 't' }, range: 'width', zero: false, nice: false },
      { name: 'y', type: 'linear', domain: empty ? [0, 1] : { data: 'points', field: 'value' }, range: 'height', zero: true, nice: true },
      { name: 'color', type: 'ordinal', domain: { data: 'points', field: 'series' }, range: 'category' },
    ],
    axes: [
      { orient: 'bottom', scale: 'x', title: 'minutes into the sample', labelFont: FONT, titleFont: FONT, tickCount: 6 },
      { orient: 'left', scale: 'y', title: unitTitle(panel.unit), format: valueFormat(panel.unit), labelFont: FONT, titleFont: FONT, grid: true, tickCount: 4 },
    ],
    legends: empty ? [] : [{ stroke: 'color', orient: 'right', labelFont: FONT, labelLimit: 220, symbolType: 'stroke' }],
    marks: [
      {
        type: 'group',
        from: { facet: { name: 'line', data: 'points', groupby: 'series' } },
        marks: [
          {
            type: 'line',
            from: { data: 'line' },
            encode: {
              enter: {
                x: { scale: 'x', field: 't' },
                y: { scale: 'y', field: 'value' },
                stroke: { scale: 'color', field: 'series' },
                strokeWidth: { value: 1.5 },
                // Prometheus leaves gaps where a series had no sample; the line breaks there too.
                defined: { signal: 'isValid(datum.value) && isFinite(datum.value)' },
              },
            },
          },
        ],
      },
      ...(empty
        ? [
            {
              type: 'text' as const,
              encode: {
                enter: {
                  x: { signal: 'width / 2' },
                  y: { signal: 'height / 2' },
                  text: { value: 'no data in this sample' },
                  align: { value: 'center' as const },
                  font: { value: FONT },
                  fontSize: { value: 13 },
                  fill: { value: '#888' },
                },
              },
            },
          ]
        : []),
    ],
  };
}

export async function renderPanelSvg(panel: DashboardPanel, series: PanelSeries[], caption: string): Promise<string> {
  const view = new vega.View(vega.parse(panelChartSpec(panel, series, caption)), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
