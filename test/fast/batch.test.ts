/**
 * Batch admission (workflows/batch/batch.ts, batchCase.ts) on the time-skipping server: cases come a page at a
 * time, at most `concurrency` run at once, finished ones are counted without running again, and the batch
 * continues as new with its counts. Loading, judging and the report are fakes; each case is a real
 * GenerateImage run.
 */
import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import type { AgentActivities } from '../../activities';
import type { BatchCase, BatchInput } from '../../common/batch';
import { batch } from '../../workflows';
import { scriptedWorld, TENANT } from './support/runs';
import { startFastEnv, type FastEnv } from './support/timeSkippingEnv';

let fast: FastEnv;
beforeAll(async () => {
  fast = await startFastEnv();
});
afterAll(() => fast?.teardown());

function cases(n: number): BatchCase[] {
  return Array.from({ length: n }, (_, i) => ({ id: `case-${i + 1}`, turns: [{ request: `a poster for case ${i + 1}` }] }));
}

/** Fakes for the batch's own activities, and a log of when each case's generation and judge ran. */
function batchFakes(all: BatchCase[], options: { finished?: string[]; failing?: string } = {}) {
  const events: string[] = [];
  const judged: { caseId: string; generationError?: string }[] = [];
  let running = 0;
  let maxRunning = 0;
  const overrides = (real: AgentActivities): Partial<AgentActivities> => ({
    loadBatchCases: ({ page }) => Promise.resolve({ cases: page === 0 ? all : [], finished: options.finished ?? [] }),
    planContext: (input) => {
      running += 1;
      maxRunning = Math.max(maxRunning, running);
      events.push(`generate ${input.request}`);
      if (options.failing && input.request.includes(options.failing)) {
        return Promise.reject(ApplicationFailure.nonRetryable('the planner refused', 'InvalidInput'));
      }
      return real.planContext(input);
    },
    judgeCase: (input) => {
      running -= 1;
      events.push(`judge ${input.case.id}`);
      judged.push({ caseId: input.case.id, ...(input.generationError ? { generationError: input.generationError } : {}) });
      return Promise.resolve({ caseId: input.case.id, status: input.generationError ? 'generation_failed' : 'done', passed: !input.generationError });
    },
    writeBatchReport: () => Promise.resolve({ json: 'r.json', markdown: 'r.md', chart: 'r.svg', imagesPrefix: 'images/', cases: all.length }),
  });
  return { events, judged, overrides, maxRunning: () => maxRunning };
}

function runBatch(
  all: BatchCase[],
  extra: Partial<BatchInput>,
  overrides: (real: AgentActivities) => Partial<AgentActivities>,
  world: ReturnType<typeof scriptedWorld> = scriptedWorld([['pass']]),
) {
  const batchId = `b-${randomUUID().slice(0, 8)}`;
  const input: BatchInput = {
    batchId,
    suite: 'requests',
    system: 'image-agent',
    tenantId: TENANT,
    manifestKey: `tenants/${TENANT}/batches/${batchId}/manifest.json`,
    total: all.length,
    concurrency: 2,
    options: { size: '512x512', outageWindow: '1 minute' },
    ...extra,
  };
  return fast.withWorkers((taskQueue) => fast.env.client.workflow.execute(batch, { taskQueue, workflowId: `batch-${batchId}`, args: [input] }), {
    world,
    overrides,
  });
}

test('every case is generated and judged once, never more than `concurrency` at a time', async () => {
  const all = cases(5);
  const fakes = batchFakes(all);
  const result = await runBatch(all, { concurrency: 2 }, fakes.overrides);
  expect(result.outcome).toBe('completed');
  expect(fakes.judged.map((j) => j.caseId).sort()).toEqual(all.map((c) => c.id).sort());
  expect(fakes.maxRunning()).toBeLessThanOrEqual(2);
  expect(result.progress).toMatchObject({ done: 5, failed: 0, passed: 5, judged: 5, running: 0, total: 5 });
});

test('concurrency 1 runs the cases one after another, in manifest order', async () => {
  const all = cases(3);
  const fakes = batchFakes(all);
  await runBatch(all, { concurrency: 1 }, fakes.overrides);
  expect(fakes.events).toEqual([
    'generate a poster for case 1',
    'judge case-1',
    'generate a poster for case 2',
    'judge case-2',
    'generate a poster for case 3',
    'judge case-3',
  ]);
});

test('cases that already have a result are counted as done and not generated again', async () => {
  const all = cases(4);
  const fakes = batchFakes(all, { finished: ['case-2', 'case-3'] });
  const result = await runBatch(all, {}, fakes.overrides);
  expect(fakes.judged.map((j) => j.caseId).sort()).toEqual(['case-1', 'case-4']);
  expect(result.progress.done).toBe(4);
  expect(result.progress.judged).toBe(2);
});

// A run starts at most casesPerRun cases, however high the concurrency (counting finished cases instead let
// the first run of 6 at concurrency 4 start all four); the counts survive each continue-as-new.
test.each([
  { total: 5, casesPerRun: 2, concurrency: 1, continuedAsNew: 2 },
  { total: 6, casesPerRun: 2, concurrency: 4, continuedAsNew: 2 },
])('$total cases, $casesPerRun per run, $concurrency at a time: $continuedAsNew continues-as-new, every case once', async (c) => {
  const all = cases(c.total);
  const fakes = batchFakes(all);
  const result = await runBatch(all, { casesPerRun: c.casesPerRun, concurrency: c.concurrency }, fakes.overrides);
  expect(result.progress.continuedAsNew).toBe(c.continuedAsNew);
  expect(result.progress).toMatchObject({ done: c.total, judged: c.total });
  expect(fakes.judged.map((j) => j.caseId).sort()).toEqual(all.map((x) => x.id).sort());
});

test('a case whose generation fails is judged with the error and counted failed; the others go on', async () => {
  const all = cases(3);
  const fakes = batchFakes(all, { failing: 'case 2' });
  const result = await runBatch(all, {}, fakes.overrides);
  expect(result.progress).toMatchObject({ done: 2, failed: 1 });
  expect(fakes.judged.find((j) => j.caseId === 'case-2')!.generationError).toBeTruthy();
  expect(fakes.judged.filter((j) => j.generationError)).toHaveLength(1);
});

// Issue 23: neither the batch's options nor a case's own can lift the tenant's limits.
test("a case's options and the batch's are clamped by the batch's tenant policy", async () => {
  const all: BatchCase[] = [
    { id: 'asks-more', turns: [{ request: 'a poster that asks for six rounds' }], options: { maxRounds: 6, maxImages: 4 } },
    { id: 'plain', turns: [{ request: 'a plain poster' }] },
  ];
  const planned: (number | undefined)[] = [];
  const fakes = batchFakes(all);
  const overrides = (real: AgentActivities): Partial<AgentActivities> => ({
    ...fakes.overrides(real),
    planContext: (input) => {
      planned.push(input.maxImages);
      return real.planContext(input);
    },
  });
  const policy = {
    tenantId: TENANT,
    version: 7,
    policy: {
      review: { required: false, fourEyes: false, allowApproveBestOnTimeout: true },
      maxRounds: 1,
      maxImages: 1,
      allowedAblations: [],
      priorityClass: 'batch' as const,
      fairnessWeight: 1,
      maxQueuedRuns: 100,
      maxOpenRuns: 100,
    },
  };
  // Every critique fails, so each case renders as many rounds as it is allowed.
  const world = scriptedWorld([['fail']]);
  const result = await runBatch(all, { policy, options: { maxRounds: 4, outageWindow: '1 minute' } }, overrides, world);
  expect(result.progress).toMatchObject({ done: 2, failed: 0 });
  expect(world.critic.calls).toBe(2);
  expect(planned).toEqual([1, 1]);
});
