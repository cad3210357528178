/** The two image-agent workers as background processes of the local stack (dist/ build). */
import path from 'node:path';
import { Connection } from '@temporalio/client';
import type { AppConfig } from '../common/config';
import { projectRoot } from '../common/paths';
import { runningPid, startDetached, stopProcess, tailLog, waitUntil } from './managedProcess';
import { StackError, type StackService } from './stackService';

/** True when some worker polls the queue, as Temporal itself sees it. */
export async function queueHasPoller(config: AppConfig, taskQueue: string, kind: 'workflow' | 'activity'): Promise<boolean> {
  const connection = await Connection.connect({ ...config.temporal.connection, connectTimeout: 2000 });
  try {
    const res = await connection.workflowService.describeTaskQueue({
      namespace: config.temporal.namespace,
      taskQueue: { name: taskQueue },
      taskQueueType: kind === 'workflow' ? 1 : 2,
    });
    return (res.pollers ?? []).length > 0;
  } finally {
    await connection.close();
  }
}

function workerService(config: AppConfig, name: 'orchestration-worker' | 'gpu-worker', entry: string, queue: string, kind: 'workflow' | 'activity'): StackService {
  const runDir = path.join(config.stack.dir, 'run');
  const logDir = path.join(config.stack.dir, 'logs');
  const pidSpec = { name, runDir, logDir };
  return {
    name,
    managed: true,
    fix: `run \`npm run stack:up\` (logs in .stack/logs/${name}.log)`,
    describe: () => [`${name.padEnd(13)} task queue ${queue}${runningPid(pidSpec) ? ` (pid ${runningPid(pidSpec)})` : ''}`],
    async healthy() {
      return runningPid(pidSpec) !== undefined && (await queueHasPoller(config, queue, kind).catch(() => false));
    },
    async start(log) {
      if (runningPid(pidSpec) === undefined) {
        const pid = startDetached({ name, command: process.execPath, args: ['--enable-source-maps', path.join(projectRoot, 'dist', 'workers', entry)], cwd: projectRoot, runDir, logDir });
        log(`starting ${name} (pid ${pid})`);
      }
      const up = await waitUntil(() => queueHasPoller(config, queue, kind), { timeoutMs: 90_000, intervalMs: 500, alive: () => runningPid(pidSpec) !== undefined });
      if (!up) throw new StackError(`${name} did not start polling ${queue}; last log lines:\n${tailLog(pidSpec)}`);
    },
    stop: () => stopProcess(pidSpec, 30_000),
  };
}

export function workerProcesses(config: AppConfig): StackService[] {
  return [
    workerService(config, 'orchestration-worker', 'orchestrationWorker.js', config.temporal.taskQueue, 'workflow'),
    workerService(config, 'gpu-worker', 'gpuWorker.js', config.temporal.gpuTaskQueue, 'activity'),
  ];
}
