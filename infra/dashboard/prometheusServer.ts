/**
 * A real Prometheus for the docs' dashboard pictures: built once per machine from the Go module proxy
 * (pinned, without the cloud service-discovery plugins, cached outside the clone), started to scrape the
 * local stack's ops endpoints every second, and asked for each panel's range query over its HTTP API.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { projectRoot } from '../../common/paths';
import { startDetached, stopProcess, tailLog, waitUntil } from '../managedProcess';

const PROMETHEUS_MODULE = 'github.com/prometheus/prometheus/cmd/prometheus';
/** Prometheus 3.x's Go module version (the module proxy serves v0.x tags for the 3.x releases). */
const PROMETHEUS_VERSION = 'v0.316.0';

function cachedBinary(): string {
  const cache = process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache');
  return path.join(cache, 'image-agent', `prometheus-${PROMETHEUS_VERSION}`, 'bin', 'prometheus');
}

/** The pinned binary, built on first use (a few minutes); one clear line when Go or the module cannot be had. */
function prometheusBinary(log: (line: string) => void): string {
  const binary = cachedBinary();
  if (fs.existsSync(binary)) return binary;
  log(`building Prometheus ${PROMETHEUS_VERSION} once into ${path.dirname(binary)} (a few minutes)`);
  try {
    execFileSync('go', ['install', '-tags', 'remove_all_sd', `${PROMETHEUS_MODULE}@${PROMETHEUS_VERSION}`], {
      env: { ...process.env, GOBIN: path.dirname(binary) },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: Buffer };
    const why = e.code === 'ENOENT' ? 'the go command is not on PATH (install Go 1.26)' : (e.stderr?.toString().trim().split('\n').pop() ?? e.message);
    throw new Error(`cannot build Prometheus ${PROMETHEUS_VERSION}: ${why}`);
  }
  return binary;
}

export interface PrometheusServer {
  url: string;
  queryRange(expr: string, range: { start: number; end: number; stepSeconds: number }): Promise<RangeSeries[]>;
  stop(): Promise<void>;
}

export interface RangeSeries {
  labels: Record<string, string>;
  /** [unix seconds, value] */
  values: [number, number][];
}

const rangeAnswer = z.object({
  status: z.literal('success'),
  data: z.object({
    resultType: z.literal('matrix'),
    result: z.array(z.object({ metric: z.record(z.string(), z.string()), values: z.array(z.tuple([z.number(), z.string()])) })),
  }),
});

export async function startPrometheus(options: { dir: string; port: number; targets: string[]; log: (line: string) => void }): Promise<PrometheusServer> {
  const binary = prometheusBinary(options.log);
  fs.mkdirSync(options.dir, { recursive: true });
  const configFile = path.join(options.dir, 'prometheus.yml');
  // One-second scrapes: the docs' sample lasts minutes, not hours.
  fs.writeFileSync(
    configFile,
    [
      'global: { scrape_interval: 1s, evaluation_interval: 1s }',
      'scrape_configs:',
      '  - job_name: image-agent',
      `    static_configs: [{ targets: [${options.targets.map((t) => JSON.stringify(t)).join(', ')}] }]`,
      '',
    ].join('\n'),
  );
  const spec = { name: 'prometheus', runDir: options.dir, logDir: options.dir };
  const url = `http://127.0.0.1:${options.port}`;
  const pid = startDetached({
    ...spec,
    command: binary,
    args: [`--config.file=${configFile}`, `--storage.tsdb.path=${path.join(options.dir, 'data')}`, `--web.listen-address=127.0.0.1:${options.port}`],
    cwd: projectRoot,
  });
  options.log(`started Prometheus (pid ${pid}) on ${url}`);
  const ready = await waitUntil(async () => (await fetch(`${url}/-/ready`)).ok, { timeoutMs: 60_000 });
  if (!ready) throw new Error(`Prometheus did not become ready; last log lines:\n${tailLog(spec)}`);
  return {
    url,
    async queryRange(expr, range) {
      const query = new URLSearchParams({ query: expr, start: String(range.start), end: String(range.end), step: `${range.stepSeconds}s` });
      const res = await fetch(`${url}/api/v1/query_range?${query.toString()}`);
      const body: unknown = await res.json();
      if (!res.ok) throw new Error(`Prometheus refused ${expr}: ${JSON.stringify(body)}`);
      return rangeAnswer.parse(body).data.result.map((r) => ({ labels: r.metric, values: r.values.map(([t, v]) => [t, Number(v)]) }));
    },
    stop: async () => {
      await stopProcess(spec);
    },
  };
}
