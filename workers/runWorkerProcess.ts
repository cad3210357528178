/**
 * Runs one worker as a process: SDK runtime (logs, SDK metrics), tracing, the ops endpoint, then the worker
 * until SIGINT/SIGTERM. On the signal, readiness fails at once, the worker stops polling and running
 * activities get shutdownGraceTime to finish (IMAGE_AGENT_WORKER_GRACE_SECONDS); then the process exits 0.
 */
import type { NativeConnection } from '@temporalio/worker';
import type { AppConfig } from '../common/config';
import { loadConfig, loadConfigIfValid } from '../config/loadConfig';
import { describeFailure } from '../common/describeFailure';
import { refuseInsecureDefaults } from '../security/insecureDefaults';
import { startOpsServer, type OpsServer } from '../telemetry/opsServer';
import { installSdkRuntime } from '../telemetry/sdkRuntime';
import { installTracing } from '../telemetry/tracing';
import { connectWorker, type ManagedWorker, type WorkerTelemetry } from './createWorkers';
import { workerMemoryWarning } from './workerMemory';

export function runWorkerProcess(
  name: string,
  create: (config: AppConfig, connection: NativeConnection, telemetry: WorkerTelemetry) => Promise<ManagedWorker>,
): void {
  let ops: OpsServer | undefined;
  (async () => {
    const config = loadConfig();
    refuseInsecureDefaults(config, 'worker');
    const service = `image-agent-${name}-worker`;
    const { sdkMetricsUrl } = installSdkRuntime(config, service);
    const tracing = installTracing(process.env.OTEL_SERVICE_NAME ?? service, { otlpEndpoint: config.telemetry.otlpEndpoint });
    if (config.telemetry.opsPort) ops = await startOpsServer({ host: config.telemetry.opsHost, port: config.telemetry.opsPort, sdkMetricsUrl });
    // The Worker's own handlers (Runtime shutdownSignals) stop polling; this one only flips readiness.
    for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => ops?.startDraining());
    const memoryWarning = workerMemoryWarning(config.workers.memory);
    if (memoryWarning) console.warn(`${name} worker: ${memoryWarning}`);
    const connection = await connectWorker(config);
    const { worker, close } = await create(config, connection, { tracing });
    console.log(
      `${name} worker polling ${worker.options.taskQueue} on ${config.temporal.connection.address} (providers: ${config.models.mode}${ops ? `, ops on :${ops.port}` : ''})`,
    );
    try {
      await worker.run(); // resolves once polling stopped and running activities finished or hit the grace time
    } finally {
      await close();
      await connection.close();
      await tracing?.shutdown();
      await ops?.close();
    }
    console.log(`${name} worker drained and stopped`);
    process.exit(0);
  })().catch((err: unknown) => {
    console.error(`${name} worker: ${describeFailure(err, loadConfigIfValid())}`);
    process.exit(1);
  });
}
