/**
 * A worker's memory budget (workers/workerMemory.ts): the flags give a real Node process exactly the heap the
 * budget names, a process started without them is told so, and bad settings are refused at the edge.
 */
import { execFileSync } from 'node:child_process';
import { loadConfig } from '../../config/loadConfig';
import { workerMemoryWarning, workerNodeArgs } from '../../workers/workerMemory';

/** What a Node started with these flags reports: its heap limit and its young generation's committed size. */
function heapOf(flags: string[]): { limit: number; newSpaceMb: number } {
  const script =
    "const v8 = require('node:v8'); const ns = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');" +
    'console.log(JSON.stringify({ limit: v8.getHeapStatistics().heap_size_limit, newSpaceMb: ns.space_size / 2 ** 20 }))';
  return JSON.parse(execFileSync(process.execPath, [...flags, '-e', script], { encoding: 'utf8' })) as { limit: number; newSpaceMb: number };
}

describe('worker memory budget', () => {
  const budget = { heapMb: 384, semiSpaceMb: 8 };

  it('starts Node with the budget: its heap limit matches, its young generation is full size from the start', () => {
    const started = heapOf(workerNodeArgs(budget));
    expect(workerMemoryWarning(budget, started.limit, { MALLOC_ARENA_MAX: '2' })).toBeUndefined();
    // A whole semi-space committed at once (Node 24 counts both), not 1 MB doubling under load.
    expect(started.newSpaceMb).toBeGreaterThanOrEqual(budget.semiSpaceMb);
  });

  it('warns a worker started without the flags, naming them', () => {
    const plain = heapOf([]);
    expect(plain.newSpaceMb).toBeLessThan(budget.semiSpaceMb);
    const warning = workerMemoryWarning(budget, plain.limit, { MALLOC_ARENA_MAX: '2' });
    expect(warning).toContain('not the 384 MB budget (IMAGE_AGENT_WORKER_HEAP_MB)');
    expect(warning).toContain('MALLOC_ARENA_MAX=2 node --max-old-space-size=384 --min-semi-space-size=8 --max-semi-space-size=8');
  });

  it('warns a worker started with the flags but without its allocator setting', () => {
    const started = heapOf(workerNodeArgs(budget));
    expect(workerMemoryWarning(budget, started.limit, {})).toContain('started without MALLOC_ARENA_MAX=2');
    expect(workerMemoryWarning(budget, started.limit, { MALLOC_ARENA_MAX: '8' })).toContain('started without MALLOC_ARENA_MAX=2');
  });

  it('reads the budget from the settings and refuses one that is not a size', () => {
    expect(loadConfig({ IMAGE_AGENT_WORKER_HEAP_MB: '768' }).workers.memory).toEqual({ heapMb: 768, semiSpaceMb: 16 });
    expect(() => loadConfig({ IMAGE_AGENT_WORKER_HEAP_MB: '64' })).toThrow(/IMAGE_AGENT_WORKER_HEAP_MB/);
    expect(() => loadConfig({ IMAGE_AGENT_WORKER_SEMI_SPACE_MB: 'lots' })).toThrow(/IMAGE_AGENT_WORKER_SEMI_SPACE_MB/);
  });
});
