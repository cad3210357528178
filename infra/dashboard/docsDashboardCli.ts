/**
 * `npm run docs:dashboard`: the Grafana dashboard's panels, drawn from a real sample. It starts its own
 * local stack (slot 7 unless IMAGE_AGENT_STACK_SLOT says otherwise, so a developer's stack is untouched),
 * lets a real Prometheus scrape the stack's ops endpoints every second, runs a small mixed workload through
 * the CLI and the API (a 24-case benchmark, three review-gated runs with webhooks: two approved, one rejected), asks
 * Prometheus for each panel's own queries, and writes one SVG per panel into docs/images/dashboard/ and
 * the page docs/dashboard.md. Grafana itself cannot run here (AGPL, and no binary to be had).
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { projectRoot } from '../../common/paths';
import { loadConfig } from '../../config/loadConfig';
import { stackDown, stackUp } from '../stack';
import { stackMetricsTargets } from '../stackOpsPorts';
import { loadDashboardPanels, seriesName, type DashboardPanel } from './dashboardPanels';
import { renderPanelSvg, type PanelSeries } from './panelChart';
import { startPrometheus, type PrometheusServer } from './prometheusServer';

const run = promisify(execFile);
const IMAGES_DIR = path.join(projectRoot, 'docs', 'images', 'dashboard');
const PAGE = path.join(projectRoot, 'docs', 'dashboard.md');
const MAX_SVG_BYTES = 200 * 1024;
const CASES = 24;

const log = (line: string): void => console.log(line);

function cli(args: string[]): Promise<string> {
  return run(process.execPath, [path.join(projectRoot, 'dist', 'client', 'cli.js'), ...args], {
    cwd: projectRoot,
    env: process.env,
    maxBuffer: 32 * 1024 * 1024,
  }).then((r) => r.stdout);
}

async function reviewRun(request: string, decision: 'approve' | 'reject', webhook: string): Promise<void> {
  const started = JSON.parse(await cli(['generate', request, '--review', '--webhook', webhook, '--json'])) as { workflowId: string };
  for (;;) {
    const status = JSON.parse(await cli(['status', started.workflowId, '--json'])) as { pendingReview?: { kind: string } };
    if (status.pendingReview?.kind === 'result') break;
    await sleep(1000);
  }
  await sleep(3000 + Math.random() * 4000); // a reviewer takes a moment; the wait histogram shows it
  const args = decision === 'approve' ? ['approve', started.workflowId] : ['reject', started.workflowId, '--feedback', 'warmer light, please'];
  await cli([...args, '--reviewer', 'docs-reviewer']);
}

async function apiTraffic(base: string, token: string, until: () => boolean): Promise<void> {
  const headers = { authorization: `Bearer ${token}` };
  while (!until()) {
    for (const route of ['/v1/generations?limit=5', '/v1/reviews/pending', '/v1/generations/not-a-run'])
      await fetch(`${base}${route}`, { headers }).catch(() => undefined);
    await sleep(2000);
  }
}

/** A webhook receiver that refuses every third delivery, so the panel shows retries as well as successes. */
async function webhookReceiver(): Promise<{ url: string; close: () => Promise<void> }> {
  let deliveries = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    res.statusCode = ++deliveries % 3 === 0 ? 503 : 200;
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hook`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

async function workload(config: ReturnType<typeof loadConfig>, outDir: string, webhook: string): Promise<void> {
  const suite = fs
    .readFileSync(path.join(projectRoot, 'benchmarks', 'suites', 'ia-bench-sample.jsonl'), 'utf8')
    .trim()
    .split('\n');
  const suiteFile = path.join(outDir, 'sample.jsonl');
  // Cases with images of their own name files beside the suite; the sample copies only the text-only ones.
  fs.writeFileSync(
    suiteFile,
    suite
      .filter((line) => !line.includes('images/'))
      .slice(0, CASES)
      .join('\n') + '\n',
  );
  let done = false;
  const token = fs.readFileSync(path.join(config.stack.dir, 'api-token'), 'utf8').trim();
  const api = apiTraffic(`http://${config.api.host}:${config.api.port}`, token, () => done);
  log(`workload: a ${CASES}-case benchmark, three review-gated runs with webhooks, API reads`);
  await Promise.all([
    cli(['bench', suiteFile, '--concurrency', '2', '--out', path.join(outDir, 'bench'), '--json']),
    reviewRun('a launch poster for a solar camping lamp', 'approve', webhook),
    sleep(40_000).then(() => reviewRun('a forecast card for Hangzhou, sunny, 24 degrees', 'reject', webhook)),
    sleep(80_000).then(() => reviewRun('three apples on a wooden table', 'approve', webhook)),
  ]).finally(() => {
    done = true;
  });
  await api;
}

async function panelSeries(
  prometheus: PrometheusServer,
  panel: DashboardPanel,
  range: { start: number; end: number; stepSeconds: number },
): Promise<PanelSeries[]> {
  const series: PanelSeries[] = [];
  for (const target of panel.targets) {
    for (const s of await prometheus.queryRange(target.expr, range)) {
      series.push({ name: seriesName(target, s.labels), points: s.values.map(([t, value]) => ({ t: t - range.start, value })) });
    }
  }
  return series;
}

function slug(panel: DashboardPanel): string {
  const words = panel.title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .split('-')
    .slice(0, 5)
    .join('-');
  return `${String(panel.id).padStart(2, '0')}-${words}`;
}

async function main(): Promise<void> {
  process.env.IMAGE_AGENT_STACK_SLOT ??= '7';
  const receiver = await webhookReceiver();
  // The stack's workers inherit these: signed webhooks to the loopback receiver.
  Object.assign(process.env, {
    IMAGE_AGENT_WEBHOOK_SECRET: process.env.IMAGE_AGENT_WEBHOOK_SECRET ?? randomBytes(24).toString('base64url'),
    WEBHOOK_ALLOW_HOSTS: new URL(receiver.url).host,
  });
  const config = loadConfig();
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'image-agent-dashboard-'));
  const { title, panels } = loadDashboardPanels();
  log(`stack slot ${process.env.IMAGE_AGENT_STACK_SLOT} (${config.stack.dir})`);
  await stackUp(config, { workers: true, restartWorkers: true, log });
  const prometheus = await startPrometheus({
    dir: path.join(outDir, 'prometheus'),
    port: config.stack.opsPort + 6,
    targets: stackMetricsTargets(config).map((t) => t.target),
    log,
  });
  try {
    const start = Math.floor(Date.now() / 1000);
    await workload(config, outDir, receiver.url);
    await sleep(15_000); // the last scrapes and the tail of each rate window
    const end = Math.floor(Date.now() / 1000);
    const range = { start, end, stepSeconds: 5 };
    const caption = `${Math.round((end - start) / 60)}-min sample, local stack, offline providers`;
    fs.rmSync(IMAGES_DIR, { recursive: true, force: true });
    fs.mkdirSync(IMAGES_DIR, { recursive: true });
    const sections: string[] = [];
    const empty: string[] = [];
    let tooLarge = false;
    for (const panel of panels) {
      const series = await panelSeries(prometheus, panel, range);
      if (series.length === 0) empty.push(panel.title);
      const svg = await renderPanelSvg(panel, series, caption);
      const file = path.join(IMAGES_DIR, `${slug(panel)}.svg`);
      fs.writeFileSync(file, svg);
      tooLarge ||= svg.length > MAX_SVG_BYTES;
      log(
        `${svg.length > MAX_SVG_BYTES ? 'TOO LARGE' : 'wrote'} ${path.relative(projectRoot, file)} (${series.length} series, ${Math.round(svg.length / 1024)} KB)`,
      );
      const queries = panel.targets.map((t) => `    ${t.expr}`).join('\n');
      sections.push(`## ${panel.title}\n\n![${panel.title}](images/dashboard/${path.basename(file)})\n\n${queries}\n`);
    }
    fs.writeFileSync(PAGE, dashboardPage(title, sections, empty));
    log(`wrote ${path.relative(projectRoot, PAGE)}; panels without data in this sample: ${empty.length === 0 ? 'none' : empty.join('; ')}`);
    process.exitCode = tooLarge ? 1 : 0;
  } finally {
    await prometheus.stop();
    await receiver.close();
    if (!process.env.IMAGE_AGENT_KEEP_STACK) await stackDown(config, log);
  }
}

function dashboardPage(title: string, sections: string[], empty: string[]): string {
  return [
    `# The "${title}" dashboard, drawn from a sample`,
    '',
    '<!-- Generated by `npm run docs:dashboard`; do not edit by hand. -->',
    '',
    'Each panel of `infra/deploy/observability/grafana/dashboards/image-agent.json`, drawn from its own PromQL as a',
    'real Prometheus answered it after scraping the local stack every second during a short mixed workload (a',
    `${CASES}-case benchmark, three review-gated runs with webhooks to a receiver that refuses every third delivery, API`,
    'reads) with the offline providers. Grafana itself does not run',
    'on the machines these docs are built on, so the pictures are Vega charts of the same queries. Offline calls',
    'are never priced, so the cost panel stays empty here; with real models it follows `IMAGE_AGENT_PRICES`.',
    'Regenerate with `npm run docs:dashboard` (it builds Prometheus once, about 2 minutes, with Go).',
    `The local stack serves every process's metrics (see [local stack](local-stack.md)); [operations](operations.md) lists the metrics and alerts.`,
    '',
    empty.length === 0 ? 'Every panel had data in this sample.' : `Panels without data in this sample (nothing of the kind happened): ${empty.join('; ')}.`,
    '',
    ...sections,
  ].join('\n');
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exitCode = 1;
});
