/**
 * The local stack as one unit: Temporal and its UI, object storage and Postgres (started in parallel), then the
 * two workers. Idempotent: services already healthy are left alone.
 */
import type { AppConfig } from '../common/config';
import { objectStorageServer } from './objectStorageServer';
import { postgresServer } from './postgresServer';
import { StackError, type StackService } from './stackService';
import { temporalServer } from './temporalServer';
import { temporalUi } from './temporalUi';
import { workerProcesses } from './workerProcesses';
import { apiProcess } from './apiProcess';

export function infrastructure(config: AppConfig): StackService[] {
  const temporal = temporalServer(config);
  // The Temporal UI is ours to run only beside our own dev server.
  return [temporal, ...(temporal.managed ? [temporalUi(config)] : []), objectStorageServer(config), postgresServer(config)];
}

export async function stackUp(
  config: AppConfig,
  options: { workers: boolean; restartWorkers?: boolean; log: (line: string) => void },
): Promise<StackService[]> {
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
  for (const s of [apiProcess(config), ...workerProcesses(config), ...infrastructure(config)].filter((s) => s.managed)) {
    if (await s.stop()) log(`stopped ${s.name}`);
  }
}

export async function stackStatus(config: AppConfig): Promise<{ service: StackService; healthy: boolean }[]> {
  const all = [...infrastructure(config), ...workerProcesses(config), apiProcess(config)];
  return Promise.all(all.map(async (service) => ({ service, healthy: await service.healthy().catch(() => false) })));
}
