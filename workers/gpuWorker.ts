import { createGpuWorker } from './createWorkers';
import { runWorkerProcess } from './runWorkerProcess';

runWorkerProcess('gpu', createGpuWorker);
