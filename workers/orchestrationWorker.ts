import { createOrchestrationWorker } from './createWorkers';
import { runWorkerProcess } from './runWorkerProcess';

runWorkerProcess('orchestration', createOrchestrationWorker);
