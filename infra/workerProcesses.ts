/** The two image-agent workers as background processes of the local stack (dist/ build). */
import path from 'node:path';
import { Connection } from '@temporalio/client';
import type { AppConfig } from '../common/config';
import { WORKER_ALLOCATOR_ENV, workerNodeArgs } from '../workers/workerMemory';
import { nodeProcessService } from './nodeProcessService';
import { stackOpsEnv, stackOpsPort } from './stackOpsPorts';
import type { StackService } from './stackService';

/** True when some worker polls the queue, as Temporal itself sees it. */
export async function queueHasPoller(config: AppConfig, taskQueue: string, kind: 'workflow' | 'activity'): Promise<boolean> {
  // A probe answers once: no retry interceptor, whose timers would outlive a failed probe.
  const connection = await Connection.connect({ ...config.temporal.connection, connectTimeout: 2000, interceptors: [] });
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

function workerService(
  config: AppConfig,
  name: 'orchestration-worker' | 'gpu-worker',
  entry: string,
  queue: string,
  kind: 'workflow' | 'activity',
): StackService {
  return nodeProcessService(config, {
    name,
    args: [path.join('workers', entry)],
    env: { ...process.env, ...WORKER_ALLOCATOR_ENV, ...stackOpsEnv(config, name) },
    nodeArgs: workerNodeArgs(config.workers.memory),
    answers: () => queueHasPoller(config, queue, kind),
    describe: () => [`${name.padEnd(13)} task queue ${queue}, metrics http://127.0.0.1:${stackOpsPort(config, name)}/metrics`],
    // Workers drain in-flight tasks before they exit.
    stopGraceMs: 30_000,
  });
}

export function workerProcesses(config: AppConfig): StackService[] {
  return [
    workerService(config, 'orchestration-worker', 'orchestrationWorker.js', config.temporal.taskQueue, 'workflow'),
    workerService(config, 'gpu-worker', 'gpuWorker.js', config.temporal.gpuTaskQueue, 'activity'),
  ];
}
