/**
 * The docs' dashboard pictures (npm run docs:dashboard) read the Grafana dashboard that operators import, and
 * draw each panel from Prometheus's answers; these check that reading and drawing without a stack. The local
 * stack's ops ports are checked here too, since Prometheus scrapes exactly those.
 */
import { loadDashboardPanels, readDashboardPanels, seriesName } from '../../infra/dashboard/dashboardPanels';
import { renderPanelSvg } from '../../infra/dashboard/panelChart';
import { stackMetricsTargets, stackOpsEnv } from '../../infra/stackOpsPorts';
import { loadConfig } from '../../config/loadConfig';

const minimal = (expr: string, legendFormat?: string) => ({
  title: 'd',
  templating: { list: [{ name: 'datasource' }, { name: 'tenant', allValue: '.*' }] },
  panels: [{ id: 1, type: 'timeseries', title: 'p', targets: [{ refId: 'A', expr, legendFormat }] }],
});

test('every panel of the shipped dashboard has at least one query, with its variables resolved', () => {
  const { panels } = loadDashboardPanels();
  expect(panels.length).toBeGreaterThanOrEqual(18);
  for (const panel of panels) {
    expect(panel.targets.length).toBeGreaterThan(0);
    for (const t of panel.targets) expect(t.expr).not.toContain('$');
  }
  expect(panels.find((p) => p.title.startsWith('Throughput'))!.targets[0]!.expr).toContain('tenant=~".*"');
});

test('a query that names a variable without an "All" value is refused by name', () => {
  expect(() => readDashboardPanels(minimal('rate(x{model="$model"}[5m])'))).toThrow(/\$model/);
  expect(() => readDashboardPanels(minimal(''))).toThrow();
});

test("a series is named by the target's legend format, or by its labels", () => {
  const target = readDashboardPanels(minimal('x', '{{model}} {{outcome}}')).panels[0]!.targets[0]!;
  expect(seriesName(target, { model: 'offline-image', outcome: 'ok' })).toBe('offline-image ok');
  const bare = { ...target, legendFormat: undefined };
  expect(seriesName(bare, { __name__: 'x', queue: 'gpu' })).toBe('queue=gpu');
});

test('a panel is drawn as an SVG with its title and each series; a panel without data says so', async () => {
  const panel = readDashboardPanels(minimal('x')).panels[0]!;
  const svg = await renderPanelSvg(
    { ...panel, title: 'Renders per minute' },
    [
      { name: 'series-one', points: [0, 5, 10].map((t) => ({ t, value: t * 2 })) },
      { name: 'series-two', points: [{ t: 0, value: 1 }] },
    ],
    'caption',
  );
  expect(svg).toMatch(/^<svg/);
  for (const text of ['Renders per minute', 'series-one', 'series-two', 'caption']) expect(svg).toContain(text);
  expect(svg).not.toContain('no data in this sample');
  expect(await renderPanelSvg(panel, [], 'caption')).toContain('no data in this sample');
});

test("the stack's processes each serve metrics on their own ports, inside their slot's range", () => {
  for (const slot of ['0', '7']) {
    const config = loadConfig({ IMAGE_AGENT_STACK_SLOT: slot });
    const ports = (['orchestration-worker', 'gpu-worker', 'api'] as const).flatMap((p) => Object.values(stackOpsEnv(config, p)).map(Number));
    expect(new Set(ports).size).toBe(ports.length);
    const base = 9464 + 10 * Number(slot);
    for (const port of ports) expect(port - base).toBeGreaterThanOrEqual(0);
    for (const port of ports) expect(port - base).toBeLessThan(10);
    expect(stackMetricsTargets(config).map((t) => t.target)).toEqual([`127.0.0.1:${base}`, `127.0.0.1:${base + 2}`, `127.0.0.1:${base + 4}`]);
  }
});
