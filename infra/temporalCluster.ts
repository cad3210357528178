/**
 * Cluster mode (IMAGE_AGENT_TEMPORAL=cluster): the stack's Temporal as production runs it. The pinned server
 * (infra/temporalClusterBuild.ts) runs frontend, history, matching and worker as four processes, on the stack's
 * real Postgres (infra/clusterPostgres.ts) with schemas from the server's own SQL tool. It is the stack's
 * `temporal` service, as the dev server is otherwise: the outage tests that stop and start `temporal` restart the
 * whole cluster; `restartClusterService` restarts one service. The Temporal UI is the ui-server, as in dev mode.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import type { AppConfig } from '../common/config';
import { projectRoot } from '../common/paths';
import { ensureClusterPostgres } from './clusterPostgres';
import { runningPid, startDetached, stopProcess, tailLog, waitUntil, type ProcessSpec } from './managedProcess';
import { StackError, type StackService } from './stackService';
import { temporalClusterBinaries, type TemporalClusterBinaries } from './temporalClusterBuild';
import { CLUSTER_SERVICES, clusterDynamicConfig, clusterPorts, clusterServerConfig, HISTORY_SHARDS, type ClusterService } from './temporalClusterConfig';
import { prepareClusterSchemas } from './temporalClusterSchema';
import { ensureNamespace } from './temporalNamespace';
import { stackTemporalAddress, temporalReachable } from './temporalServer';
import { chooseTemporalUi, recordTemporalUi } from './temporalUiMode';

function processSpec(config: AppConfig, service: ClusterService, binary = ''): ProcessSpec {
  const dir = path.join(config.stack.dir, 'temporal-cluster');
  return {
    name: `temporal-${service}`,
    command: binary,
    args: ['--config-file', path.join(dir, 'config.yaml'), '--allow-no-auth', 'start', '--service', service],
    cwd: projectRoot,
    runDir: path.join(config.stack.dir, 'run'),
    logDir: path.join(config.stack.dir, 'logs'),
  };
}

function writeConfig(config: AppConfig, postgresUrl: string): void {
  const dir = path.join(config.stack.dir, 'temporal-cluster');
  fs.mkdirSync(dir, { recursive: true });
  const dynamicConfigFile = path.join(dir, 'dynamicconfig.yaml');
  const header = '# Written by infra/temporalCluster.ts at each start (JSON, which YAML reads).\n';
  fs.writeFileSync(dynamicConfigFile, `${header}${JSON.stringify(clusterDynamicConfig(), null, 2)}\n`);
  fs.writeFileSync(path.join(dir, 'config.yaml'), `${header}${JSON.stringify(clusterServerConfig(config, postgresUrl, dynamicConfigFile), null, 2)}\n`);
}

function portListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Probes per readiness check: with ids spread at random, the chance that one of 4 shards goes unprobed is 4 × (3/4)^32 ≈ 0.04%. */
const SHARD_PROBES = 8 * HISTORY_SHARDS;

/**
 * Whether the history shards have owners: the frontend answers, and the namespace is known, seconds before the
 * history hosts have joined the ring and taken their shards ("Not enough hosts to serve the request"). A describe
 * of a workflow id that does not exist reaches the shard it hashes to; NOT_FOUND from each means they are served.
 */
async function historyServes(config: AppConfig): Promise<boolean> {
  const connection = await Connection.connect({ ...config.temporal.connection, interceptors: [] });
  try {
    const probes = Array.from({ length: SHARD_PROBES }, (_, i) =>
      connection.workflowService
        .describeWorkflowExecution({ namespace: config.temporal.namespace, execution: { workflowId: `stack-probe-${randomUUID()}-${i}` } })
        .then(
          () => true,
          (err: { code?: number }) => err.code === 5 /* NOT_FOUND */,
        ),
    );
    return (await Promise.all(probes)).every(Boolean);
  } finally {
    await connection.close();
  }
}

async function waitForHistory(config: AppConfig): Promise<void> {
  const served = await waitUntil(() => historyServes(config), { timeoutMs: 120_000, intervalMs: 500 });
  if (!served) throw new StackError(`Temporal's history shards found no owner within 120 s; last log lines:\n${tailLog(processSpec(config, 'history'), 5)}`);
}

/** Whether any of the cluster's processes runs (the stack refuses to start the dev server beside it). */
export function clusterProcessesRunning(config: AppConfig): boolean {
  return CLUSTER_SERVICES.some((s) => runningPid(processSpec(config, s)) !== undefined);
}

function startService(config: AppConfig, binaries: TemporalClusterBinaries, service: ClusterService): number | undefined {
  const spec = processSpec(config, service, binaries.server);
  if (runningPid(spec) !== undefined) return undefined;
  return startDetached(spec);
}

/** Stops one service and starts it again (the scale bench's history-service restart); the frontend keeps serving. */
export async function restartClusterService(config: AppConfig, service: ClusterService, log: (line: string) => void = () => {}): Promise<void> {
  const binaries = await temporalClusterBinaries(log);
  await stopProcess(processSpec(config, service));
  const pid = startService(config, binaries, service);
  await waitForHistory(config);
  log(`restarted Temporal's ${service} service (pid ${pid})`);
}

export function temporalCluster(config: AppConfig): StackService {
  const { address } = stackTemporalAddress(config);
  const pid = (s: ClusterService) => runningPid(processSpec(config, s));
  const ports = clusterPorts(config);
  const allUp = async () => CLUSTER_SERVICES.every((s) => pid(s) !== undefined) && (await temporalReachable(config));
  return {
    name: 'temporal',
    processName: 'temporal-frontend',
    managed: true,
    fix: 'run `IMAGE_AGENT_TEMPORAL=cluster npm run stack:up` (logs in .stack/logs/temporal-<service>.log)',
    describe: () => [
      `Temporal      ${address} (namespace ${config.temporal.namespace}) cluster: frontend, history (${HISTORY_SHARDS} shards), matching and worker processes on Postgres`,
      ...CLUSTER_SERVICES.filter((s) => s !== 'frontend').map(
        (s) => `  ${s.padEnd(11)} ${pid(s) === undefined ? 'NOT RUNNING' : `pid ${pid(s)}`}, log ${path.join(config.stack.dir, 'logs', `temporal-${s}.log`)}`,
      ),
    ],
    healthy: allUp,
    processes: () =>
      CLUSTER_SERVICES.flatMap((s) => {
        const running = pid(s);
        return running === undefined ? [] : [{ name: `temporal ${s}`, pid: running }];
      }),
    async start(log) {
      // Already running: only check the namespace and its search attributes (two calls).
      if (await allUp()) return ensureNamespace(config, log);
      let binaries: TemporalClusterBinaries;
      try {
        binaries = await temporalClusterBinaries(log);
      } catch (err) {
        throw new StackError(`cluster mode needs the Temporal server built with Go: ${(err as Error).message}`);
      }
      const [postgresUrl, ui] = await Promise.all([ensureClusterPostgres(log), chooseTemporalUi(log)]);
      recordTemporalUi(config, ui.kind === 'ui-server' ? ui : { kind: 'dev-server', reason: `cluster mode has no built-in UI; ${ui.reason}` });
      await prepareClusterSchemas(binaries, postgresUrl, log);
      writeConfig(config, postgresUrl);
      // One service at a time, each listening before the next starts: on a fresh database every service would
      // write the cluster's metadata record at once, and all but one exit on the version conflict.
      for (const s of CLUSTER_SERVICES) {
        const started = startService(config, binaries, s);
        if (started === undefined) continue;
        log(`starting Temporal server v${binaries.version}'s ${s} service (pid ${started})`);
        const spec = processSpec(config, s);
        const listening = await waitUntil(() => portListening(ports[s].grpc), {
          timeoutMs: 60_000,
          intervalMs: 200,
          alive: () => runningPid(spec) !== undefined,
        });
        if (!listening) throw new StackError(`Temporal's ${s} service did not start; last log lines:\n${tailLog(spec, 5)}`);
      }
      const frontend = processSpec(config, 'frontend');
      const up = await waitUntil(() => temporalReachable(config, 1000), {
        timeoutMs: 120_000,
        intervalMs: 500,
        alive: () => runningPid(frontend) !== undefined,
      });
      if (!up) throw new StackError(`Temporal's frontend did not become healthy on ${address}; last log lines:\n${tailLog(frontend)}`);
      await ensureNamespace(config, log);
      await waitForHistory(config);
      const down = CLUSTER_SERVICES.filter((s) => pid(s) === undefined);
      if (down.length) throw new StackError(`Temporal's ${down.join(', ')} exited at start; last log lines:\n${tailLog(processSpec(config, down[0]!))}`);
    },
    async stop() {
      let stopped = false;
      // The frontend first, so clients see one clear outage; history last, after the services that call it.
      for (const s of ['frontend', 'worker', 'matching', 'history'] as const) stopped = (await stopProcess(processSpec(config, s))) || stopped;
      return stopped;
    },
  };
}
