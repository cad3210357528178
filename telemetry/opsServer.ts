/**
 * The ops endpoint every process serves on IMAGE_AGENT_OPS_PORT: /metrics (image-agent's metrics followed
 * by the Temporal SDK's, scraped from the SDK's own loopback exporter so Prometheus needs one target per
 * pod), /healthz (the process is alive) and /readyz (it takes work; 503 from the first moment of a drain).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { registry } from './appMetrics';

export interface OpsServer {
  readonly port: number;
  /** Readiness fails from now on: load balancers and Kubernetes stop routing work here. */
  startDraining(): void;
  readonly draining: boolean;
  close(): Promise<void>;
}

export interface OpsServerOptions {
  host: string;
  port: number;
  /** The SDK's Prometheus exporter (http://127.0.0.1:<port>/metrics), when this process runs a worker. */
  sdkMetricsUrl?: string;
}

export async function startOpsServer(options: OpsServerOptions): Promise<OpsServer> {
  let draining = false;
  const server = http.createServer((req, res) => {
    void (async () => {
      const path = (req.url ?? '/').split('?')[0];
      if (req.method !== 'GET') return send(res, 405, 'text/plain', 'method not allowed\n');
      if (path === '/healthz') return send(res, 200, 'application/json', '{"ok":true}\n');
      if (path === '/readyz')
        return draining ? send(res, 503, 'application/json', '{"ready":false,"draining":true}\n') : send(res, 200, 'application/json', '{"ready":true}\n');
      if (path === '/metrics') return send(res, 200, registry.contentType, await metricsText(options.sdkMetricsUrl));
      return send(res, 404, 'text/plain', 'not found\n');
    })().catch(() => send(res, 500, 'text/plain', 'metrics unavailable\n'));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    startDraining: () => {
      draining = true;
    },
    get draining() {
      return draining;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function metricsText(sdkMetricsUrl: string | undefined): Promise<string> {
  const own = await registry.metrics();
  if (!sdkMetricsUrl) return own;
  // The SDK's exporter starts with the first worker; until then (or if it is gone) our own metrics still answer.
  const sdk = await fetch(sdkMetricsUrl, { signal: AbortSignal.timeout(2000) })
    .then((r) => (r.ok ? r.text() : ''))
    .catch(() => '');
  return sdk ? `${own}\n${sdk}` : own;
}

function send(res: http.ServerResponse, status: number, type: string, body: string): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}
