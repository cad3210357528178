/**
 * The Temporal dev server (`temporal server start-dev`) with SQLite persistence. Its Web UI is off (`--headless`)
 * when the standalone ui-server serves the UI's port (infra/temporalUi.ts); on, as the fallback, when that
 * cannot be built (infra/temporalUiMode.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import type { AppConfig } from '../common/config';
import { projectRoot } from '../common/paths';
import { cliSearchAttributeSpecs } from '../common/searchAttributes';
import { runningPid, startDetached, stopProcess, tailLog, waitUntil, type ProcessSpec } from './managedProcess';
import { isLoopbackHost, StackError, type StackService } from './stackService';
import { resolveTool } from './toolchain';
import { chooseTemporalUi, recordTemporalUi, type TemporalUiMode } from './temporalUiMode';

export async function temporalReachable(config: AppConfig, timeoutMs = 2000): Promise<boolean> {
  let connection: Connection | undefined;
  try {
    // No retry interceptor: a probe answers once. The default one leaves a retry timer behind when the
    // server is down, which fires on a closed channel after the caller has moved on.
    connection = await Connection.connect({ ...config.temporal.connection, connectTimeout: timeoutMs, interceptors: [] });
    await connection.workflowService.getSystemInfo({});
    return true;
  } catch {
    return false;
  } finally {
    await connection?.close().catch(() => undefined);
  }
}

/** The codec server's base URL as the Temporal UI reaches it: the UI's own host, so the login cookie is same-site. */
export function codecEndpoint(config: AppConfig): string {
  const uiHost = new URL(config.temporal.uiUrl).hostname;
  return `http://${uiHost}:${config.api.port}/codec`;
}

/**
 * The dev server runs one history shard, and each of its task queues polls persistence at most 20 times a
 * second per shard (the server's default, sized for clusters of hundreds of shards). On one shard that
 * limit is the whole server's: past a short burst, every workflow task waited about 35 ms for the transfer
 * queue's next poll, which was most of a run's orchestration overhead (docs/performance.md).
 */
const QUEUE_POLL_RPS = 1000;

/** The server's dynamic config in the local stack, dev server and cluster alike (`key=JSON value`). */
export const TEMPORAL_DYNAMIC_CONFIG = [
  'frontend.enableServerVersionCheck=false',
  // Task-queue priority and per-tenant fairness (common/dispatchPriority.ts): on in the local stack as in production.
  'matching.useNewMatcher=true',
  // Set, not left to the server's default: activities a workflow task schedules on its own queue start in the answer to
  // that task, with no trip through matching (workers reserve IMAGE_AGENT_EAGER_ACTIVITY_SLOTS for them).
  'system.enableActivityEagerExecution=true',
  'matching.enableFairness=true',
  // One partition per queue: priority and fairness are kept per partition, and one server process gains nothing from four.
  'matching.numTaskqueueReadPartitions=1',
  'matching.numTaskqueueWritePartitions=1',
  `history.transferProcessorMaxPollRPS=${QUEUE_POLL_RPS}`,
  `history.timerProcessorMaxPollRPS=${QUEUE_POLL_RPS}`,
  `history.visibilityProcessorMaxPollRPS=${QUEUE_POLL_RPS}`,
  // A replaced Worker Deployment version shows "drained" seconds after its last pinned run ends, not minutes (the
  // cluster default): `image-agent deploy status` and `npm run deploy:ramp` read it.
  'matching.wv.VersionDrainageStatusRefreshInterval="5s"',
  'matching.wv.VersionDrainageStatusVisibilityGracePeriod="5s"',
];

/**
 * The fallback: the dev server's own UI. It decodes encrypted payloads through the API's codec server, from
 * the browser, but has no setting to send credentials, so an auditor turns on "Include cross-origin
 * credentials" in the UI's Codec Server dialog once, and the login cookie goes along
 * (docs/review-and-audit.md, "Audit in the Temporal UI").
 */
function builtInUiArgs(config: AppConfig): string[] {
  return [
    '--ui-port',
    String(config.stack.temporalUiPort),
    '--ui-disable-news-fetch',
    ...(config.encryption.enabled ? ['--ui-codec-endpoint', codecEndpoint(config)] : []),
  ];
}

/** Temporal's address, and whether it is the stack's own (a loopback address on the stack's port, no TLS). */
export function stackTemporalAddress(config: AppConfig): { address: string; managed: boolean } {
  const address = config.temporal.connection.address ?? 'localhost:7233';
  const [host = 'localhost', portText] = address.split(/:(?=\d+$)/);
  return { address, managed: isLoopbackHost(host) && Number(portText) === config.stack.temporalPort && !config.temporal.connection.tls };
}

export function temporalServer(config: AppConfig): StackService {
  const { address, managed } = stackTemporalAddress(config);
  const dataDir = path.join(config.stack.dir, 'temporal');
  const spec = (bin: string, ui: TemporalUiMode): ProcessSpec => ({
    name: 'temporal',
    command: bin,
    args: [
      'server',
      'start-dev',
      '--ip',
      '127.0.0.1',
      '--port',
      String(config.stack.temporalPort),
      '--db-filename',
      path.join(dataDir, 'temporal.db'),
      '--sqlite-pragma',
      'journal_mode=WAL',
      '--namespace',
      config.temporal.namespace,
      '--log-level',
      'warn',
      ...(ui.kind === 'ui-server' ? ['--headless'] : builtInUiArgs(config)),
      ...TEMPORAL_DYNAMIC_CONFIG.flatMap((v) => ['--dynamic-config-value', v]),
      ...cliSearchAttributeSpecs().flatMap((s) => ['--search-attribute', s]),
    ],
    cwd: projectRoot,
    runDir: path.join(config.stack.dir, 'run'),
    logDir: path.join(config.stack.dir, 'logs'),
  });
  const pidSpec = { name: 'temporal', runDir: path.join(config.stack.dir, 'run'), logDir: path.join(config.stack.dir, 'logs') };
  return {
    name: 'temporal',
    managed,
    fix: managed ? 'run `npm run stack:up` (logs in .stack/logs/temporal.log)' : `check TEMPORAL_ADDRESS=${address} and its credentials`,
    describe: () => [
      `Temporal      ${address} (namespace ${config.temporal.namespace})${managed ? ' dev server: one process, one history shard, SQLite' : ' [external]'}`,
      // A managed server's UI is a service of its own (infra/temporalUi.ts), which says which UI runs.
      ...(managed ? [`  data        ${path.join(dataDir, 'temporal.db')}`] : [`Temporal UI   ${config.temporal.uiUrl}`]),
    ],
    healthy: () => temporalReachable(config),
    async start(log) {
      if (!managed) return;
      // Already serving (started by an earlier `stack:up`, perhaps from another checkout): leave it.
      if (await temporalReachable(config)) return;
      const bin = resolveTool('temporal', config.stack.dir, log);
      const ui = await chooseTemporalUi(log);
      fs.mkdirSync(dataDir, { recursive: true });
      recordTemporalUi(config, ui);
      const pid = startDetached(spec(bin, ui));
      log(`starting Temporal dev server (pid ${pid}, ${ui.kind === 'ui-server' ? 'headless' : 'with its built-in UI'})`);
      const up = await waitUntil(() => temporalReachable(config, 1000), { timeoutMs: 90_000, intervalMs: 500, alive: () => runningPid(pidSpec) !== undefined });
      if (!up) throw new StackError(`Temporal dev server did not become healthy on ${address}; last log lines:\n${tailLog(pidSpec)}`);
    },
    stop: () => stopProcess(pidSpec),
  };
}
