import { createOrchestrationWorker } from './createWorkers';
import { runWorkerProcess } from './runWorkerProcess';
import { workflowSource } from './workflowBundle';

runWorkerProcess('orchestration', (config, connection, telemetry) =>
  createOrchestrationWorker(config, connection, workflowSource(config.temporal.deployment.versioning), telemetry),
);
