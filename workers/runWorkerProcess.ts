/** Runs one worker as a process: connects, runs until SIGINT/SIGTERM, shuts down gracefully, one-line errors. */
import type { NativeConnection } from '@temporalio/worker';
import { loadConfig, type AppConfig } from '../common/config';
import { describeFailure } from '../client/describeFailure';
import { connectWorker, type ManagedWorker } from './createWorkers';

export function runWorkerProcess(name: string, create: (config: AppConfig, connection: NativeConnection) => Promise<ManagedWorker>): void {
  (async () => {
    const config = loadConfig();
    const connection = await connectWorker(config);
    const { worker, close } = await create(config, connection);
    console.log(`${name} worker polling ${worker.options.taskQueue} on ${config.temporal.connection.address} (providers: ${config.models.mode})`);
    try {
      await worker.run(); // Worker installs SIGINT/SIGTERM handlers and drains in-flight tasks.
    } finally {
      await close();
      await connection.close();
    }
  })().catch((err: unknown) => {
    console.error(`${name} worker: ${describeFailure(err)}`);
    process.exit(1);
  });
}
