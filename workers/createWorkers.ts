/**
 * The two workers of image-agent, built from configuration and a connection, shared by the process
 * entry points and the tests. The orchestration worker runs workflows and the light activities; the GPU
 * worker runs only renders, with its own concurrency limit.
 */
import { NativeConnection, Worker } from '@temporalio/worker';
import { createGpuActivities } from '../activities';
import type { AppConfig } from '../common/config';
import { ObjectStore } from '../providers/objectStore';
import { createImageModel } from '../providers/registry';
import { workflowSource } from './workflowBundle';

export async function connectWorker(config: AppConfig): Promise<NativeConnection> {
  return NativeConnection.connect(config.temporal.connection);
}

export async function createOrchestrationWorker(config: AppConfig, connection: NativeConnection, source = workflowSource()): Promise<Worker> {
  return Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    maxConcurrentActivityTaskExecutions: config.workers.activityConcurrency,
    ...source,
  });
}

export async function createGpuWorker(config: AppConfig, connection: NativeConnection): Promise<Worker> {
  const store = new ObjectStore(config.s3);
  return Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.gpuTaskQueue,
    activities: createGpuActivities({ imageModel: createImageModel(config), store }),
    maxConcurrentActivityTaskExecutions: config.workers.gpuConcurrency,
  });
}
