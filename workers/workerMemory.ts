/**
 * A worker process's fixed memory budget, given to Node when the process starts.
 *
 * Left to Node's defaults, a worker sizes each V8 heap from the machine's memory, lets old space grow up to four
 * times what is live, doubles its young generation in steps whenever allocation runs fast, and glibc gives each
 * busy thread (the workflow thread, the SDK core's runtime threads) a malloc arena of its own. Under a long batch
 * its RSS then climbs for thousands of runs before it levels: bench:scale measured an orchestration worker at
 * 790 → 940 MB and a GPU worker at 225 → 341 MB over 2,000 cases. A budget set at start (the JVM's -Xms = -Xmx)
 * reaches its size in the first minutes and stays there.
 */
import v8 from 'node:v8';

export interface WorkerMemoryBudget {
  /** Each V8 heap's old-space limit, MB: the main thread's and the workflow thread's each (--max-old-space-size). */
  heapMb: number;
  /** The young generation's semi-space, MB, fixed from the start (--min-semi-space-size = --max-semi-space-size). */
  semiSpaceMb: number;
}

/** Node's command-line flags for the budget; --min-semi-space-size is refused in NODE_OPTIONS, so these go on the command line. */
export function workerNodeArgs(budget: WorkerMemoryBudget): string[] {
  return [`--max-old-space-size=${budget.heapMb}`, `--min-semi-space-size=${budget.semiSpaceMb}`, `--max-semi-space-size=${budget.semiSpaceMb}`];
}

/** Two malloc arenas, not eight per core: glibc reads this only at process start. */
export const WORKER_ALLOCATOR_ENV = { MALLOC_ARENA_MAX: '2' } as const;

/**
 * One line for the worker's log when it was started without its budget (a hand-run `node dist/workers/…`,
 * a container command that dropped the flags or the environment); undefined when both are in place.
 */
export function workerMemoryWarning(
  budget: WorkerMemoryBudget,
  heapSizeLimitBytes = v8.getHeapStatistics().heap_size_limit,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  // heap_size_limit is old space plus the young generation (three semi-spaces), rounded to V8's pages.
  const expectedMb = budget.heapMb + 3 * budget.semiSpaceMb;
  const actualMb = heapSizeLimitBytes / 2 ** 20;
  const heapMatches = Math.abs(actualMb - expectedMb) <= Math.max(8, expectedMb * 0.05);
  const allocatorMatches = Object.entries(WORKER_ALLOCATOR_ENV).every(([name, value]) => env[name] === value);
  if (heapMatches && allocatorMatches) return undefined;
  const allocator = Object.entries(WORKER_ALLOCATOR_ENV).map(([name, value]) => `${name}=${value}`);
  const found = heapMatches
    ? `this worker was started without ${allocator.join(' ')}`
    : `this worker's V8 heap limit is ${Math.round(actualMb)} MB, not the ${budget.heapMb} MB budget (IMAGE_AGENT_WORKER_HEAP_MB)`;
  return `${found}: start it as \`${allocator.join(' ')} node ${workerNodeArgs(budget).join(' ')} dist/workers/…\`, or its memory grows for hours under load`;
}

/** The budget in one line, for a bench's output. */
export function describeWorkerMemory(budget: WorkerMemoryBudget): string {
  const allocator = Object.entries(WORKER_ALLOCATOR_ENV).map(([name, value]) => `${name}=${value}`);
  return `heaps of ${budget.heapMb} MB, semi-space ${budget.semiSpaceMb} MB, ${allocator.join(' ')}`;
}
