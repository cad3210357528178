/**
 * The local stack as one unit: Temporal and its UI, object storage and Postgres (started in parallel), then the
 * two workers. Idempotent: services already healthy are left alone.
 */
import path from 'node:path';
import type { AppConfig } from '../common/config';
import { runningPid } from './managedProcess';
import { objectStorageServer } from './objectStorageServer';
import { postgresServer } from './postgresServer';
import { StackError, type StackService } from './stackService';
import { clusterPostgres } from './clusterPostgres';
import { clusterProcessesRunning, temporalCluster } from './temporalCluster';
import { stackTemporalAddress, temporalServer } from './temporalServer';
import { temporalUi } from './temporalUi';
import { workerProcesses } from './workerProcesses';
import { apiProcess } from './apiProcess';

export function infrastructure(config: AppConfig): StackService[] {
  // With TEMPORAL_ADDRESS elsewhere, Temporal is external in either mode: only health-checked.
  if (config.stack.temporal === 'cluster' && stackTemporalAddress(config).managed) {
    // The cluster's Postgres last, so `stack:down` stops it after the services that write to it.
    return [temporalCluster(config), temporalUi(config), objectStorageServer(config), postgresServer(config), clusterPostgres()];
  }
  const temporal = temporalServer(config);
  // The Temporal UI is ours to run only beside our own dev server.
  return [temporal, ...(temporal.managed ? [temporalUi(config)] : []), objectStorageServer(config), postgresServer(config)];
}

/** Which Temporal the stack's pid files say runs now, whatever IMAGE_AGENT_TEMPORAL says. */
function runningTemporalMode(config: AppConfig): AppConfig['stack']['temporal'] | undefined {
  if (runningPid({ name: 'temporal', runDir: path.join(config.stack.dir, 'run') }) !== undefined) return 'dev';
  return clusterProcessesRunning(config) ? 'cluster' : undefined;
}

export async function stackUp(
  config: AppConfig,
  options: { workers: boolean; restartWorkers?: boolean; log: (line: string) => void },
): Promise<StackService[]> {
  const running = runningTemporalMode(config);
  if (running && running !== config.stack.temporal) {
    throw new StackError(
      `the stack's Temporal runs in ${running} mode, and IMAGE_AGENT_TEMPORAL asks for ${config.stack.temporal}: run \`npm run stack:down\` first (data stays)`,
    );
  }
  const services = infrastructure(config);
  await Promise.all(
    services.map(async (s) => {
      try {
        await s.start((line) => options.log(`[${s.name}] ${line}`));
      } catch (err) {
        if (err instanceof StackError) throw err;
        throw new StackError(`${s.name}: ${(err as Error).message}; ${s.fix}`);
      }
      if (!(await s.healthy())) throw new StackError(`${s.name} is unreachable: ${s.fix}`);
    }),
  );
  if (!options.workers) return services;
  const workers = [...workerProcesses(config), apiProcess(config)];
  for (const w of workers) {
    if (options.restartWorkers) await w.stop();
    await w.start((line) => options.log(`[${w.name}] ${line}`));
  }
  return [...services, ...workers];
}

export async function stackDown(config: AppConfig, log: (line: string) => void): Promise<void> {
  // Workers first, so they drain before the servers they talk to go away.
  // Temporal of the other mode stops too, whatever IMAGE_AGENT_TEMPORAL says now (a cluster's Postgres only in cluster
  // mode: in dev mode that server is the real-Postgres tests' own).
  const running = runningTemporalMode(config);
  const other = running && running !== config.stack.temporal ? [running === 'cluster' ? temporalCluster(config) : temporalServer(config)] : [];
  for (const s of [apiProcess(config), ...workerProcesses(config), ...other, ...infrastructure(config)].filter((s) => s.managed)) {
    if (await s.stop()) log(`stopped ${s.name}`);
  }
}

export async function stackStatus(config: AppConfig): Promise<{ service: StackService; healthy: boolean }[]> {
  const all = [...infrastructure(config), ...workerProcesses(config), apiProcess(config)];
  return Promise.all(all.map(async (service) => ({ service, healthy: await service.healthy().catch(() => false) })));
}
