/**
 * Where CPU goes, by component: the spawned workers of each kind, every server process of the stack (in cluster
 * mode Temporal's four services apart, and its Postgres), and the bench process itself. Read before and after a
 * measurement by `bench:perf`'s throughput part and by `bench:scale`.
 */
import path from 'node:path';
import type { AppConfig } from '../../common/config';
import { runningPid } from '../../infra/managedProcess';
import { infrastructure } from '../../infra/stack';
import { processTreeCpuMs } from './processCpu';
import type { SpawnedWorkers } from './spawnedWorkers';

export interface ServerProcess {
  name: string;
  pid: number;
}

/** The stack's running server processes; read again after a restart, which changes pids. */
export function stackServerPids(config: AppConfig): ServerProcess[] {
  const runDir = path.join(config.stack.dir, 'run');
  return infrastructure(config)
    .filter((s) => s.managed)
    .flatMap((s): ServerProcess[] => {
      if (s.processes) return s.processes();
      const pid = runningPid({ name: s.processName ?? s.name, runDir });
      return pid === undefined ? [] : [{ name: s.name, pid }];
    });
}

/** CPU ms so far of each component. One list of pids for reading and slicing: a worker exiting between two lists would shift the slices. */
export function componentCpuMs(workers: SpawnedWorkers, servers: readonly ServerProcess[]): Map<string, number> {
  const orchestration = workers.pids('orchestrationWorker');
  const gpu = workers.pids('gpuWorker');
  const ms = processTreeCpuMs([...orchestration, ...gpu, ...servers.map((s) => s.pid)]);
  const sum = (from: number, to: number) => ms.slice(from, to).reduce((a, b) => a + b, 0);
  const own = process.cpuUsage();
  return new Map([
    ['orchestration workers', sum(0, orchestration.length)],
    ['GPU workers', sum(orchestration.length, orchestration.length + gpu.length)],
    ...servers.map((s, i) => [s.name, ms[orchestration.length + gpu.length + i]!] as [string, number]),
    ['bench (client and fake model server)', (own.user + own.system) / 1000],
  ]);
}
