/**
 * Fair, prioritised dispatch (issue 23, part 2), read from the histories on the real dev server:
 *  - a run starts with its class's priority key, its tenant as the fairness key and the policy's weight; a batch
 *    starts behind interactive work; a tenant whose policy allows only `batch` gets it, and the answer says so;
 *  - once a reviewer has decided, the run's remaining activities are scheduled at key 1;
 *  - `image-agent priority` moves an open run; past the tenant's class it is lowered and said; another tenant's
 *    run is "no run"; a closed run is refused;
 *  - a run no worker has picked up says where it stands: its place among its tenant's waiting runs, the runs
 *    ahead on its queue, and an ETA from the queue's recent throughput.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { batchWorkflowId } from '../common/childWorkflowIds';
import { generationStatus, reviewPlan, startGeneration, type Generations } from '../client/generations';
import { startBatch } from '../client/batches';
import { changeRunPriority } from '../client/runPriorityChange';
import type { RunEta } from '../client/queuePlace';
import { tenantPolicies } from '../client/tenantPolicies';
import { statusQuery } from '../workflows/generate/generationMessages';
import { eventually } from './support/eventually';
import { FakeOpenAIServer } from './fakeOpenAI/fakeOpenAIServer';
import { scriptAgentDefaults } from './fakeOpenAI/agentDefaults';
import { listenApi } from './support/inProcessApi';
import { startTestEnv, type TestEnv } from './support/testEnv';

const OPEN = `prio-open-${randomUUID().slice(0, 6)}`;
const SLOW = `prio-slow-${randomUUID().slice(0, 6)}`;

describe('dispatch priority and fairness', () => {
  let env: TestEnv;
  /** No workers on its queue: what it starts stays queued. */
  let idle: TestEnv;
  const g = (): Generations => ({ client: env.client, config: env.config, store: env.store });
  const gi = (): Generations => ({ client: idle.client, config: idle.config, store: idle.store });
  const request = (tenantId: string, extra: Record<string, unknown> = {}) => ({
    request: 'a kite over dunes',
    tenantId,
    userId: 'u1',
    options: { size: '256x256', maxRounds: 1 },
    ...extra,
  });
  const startedPriority = async (workflowId: string) =>
    (await env.client.workflow.getHandle(workflowId).fetchHistory()).events![0]!.workflowExecutionStartedEventAttributes!.priority;

  beforeAll(async () => {
    env = await startTestEnv({ name: 'priority', env: { IMAGE_AGENT_TENANT_POLICY_CACHE_SECONDS: '0' } });
    idle = await startTestEnv({ name: 'priority-idle', workers: false, env: { IMAGE_AGENT_TENANT_POLICY_CACHE_SECONDS: '0' } });
    await tenantPolicies(env.config).change(OPEN, { fairnessWeight: 4 }, 'test');
    await tenantPolicies(env.config).change(SLOW, { priorityClass: 'batch' }, 'test');
  });
  afterAll(async () => {
    await idle?.stop();
    await env?.stop();
  });

  test('a run starts with its class, its tenant as the fairness key and its weight; a batch behind it; a batch-class tenant is lowered, and told', async () => {
    const run = await startGeneration(g(), request(OPEN));
    expect(await startedPriority(run.workflowId)).toMatchObject({ priorityKey: 2, fairnessKey: OPEN, fairnessWeight: 4 });
    expect(run.clamped).toEqual([]);

    const slow = await startGeneration(g(), request(SLOW));
    expect(await startedPriority(slow.workflowId)).toMatchObject({ priorityKey: 4, fairnessKey: SLOW });
    expect(slow.clamped).toEqual([expect.objectContaining({ field: 'priority', requested: 'interactive', applied: 'batch' })]);

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prio-batch-'));
    const jsonl = path.join(dir, 'two.jsonl');
    fs.writeFileSync(jsonl, ['a cup', 'a bowl'].map((r, i) => JSON.stringify({ id: `c${i}`, request: r, size: '128x128' })).join('\n'));
    const batchId = `prio-${randomUUID().slice(0, 8)}`;
    await startBatch(g(), [jsonl], { batchId, tenantId: OPEN, system: 'test', concurrency: 2 });
    expect(await startedPriority(batchWorkflowId(batchId))).toMatchObject({ priorityKey: 4, fairnessKey: OPEN, fairnessWeight: 4 });
    await env.client.workflow.getHandle(batchWorkflowId(batchId)).result();
    fs.rmSync(dir, { recursive: true, force: true });
    await env.client.workflow.getHandle(run.workflowId).result();
    await env.client.workflow.getHandle(slow.workflowId).result();
  });

  test("after a reviewer's decision the run's remaining activities go first (key 1); before it they inherit the run's", async () => {
    const { workflowId } = await startGeneration(g(), request(OPEN, { review: { required: false, planApproval: true, onTimeout: 'expire' } }));
    const handle = env.client.workflow.getHandle(workflowId);
    await eventually(async () => expect((await handle.query(statusQuery)).pendingReview?.kind).toBe('plan'), 60_000);
    await reviewPlan(g(), workflowId, { decision: 'approve', reviewer: 'rev' }, randomUUID());
    await handle.result();
    const events = (await handle.fetchHistory()).events!;
    const decidedAt = events.findIndex((e) => e.workflowExecutionUpdateAcceptedEventAttributes);
    expect(decidedAt).toBeGreaterThan(0);
    const scheduled = events.flatMap((e, i) =>
      e.activityTaskScheduledEventAttributes ? [{ i, key: e.activityTaskScheduledEventAttributes.priority?.priorityKey ?? 0 }] : [],
    );
    const before = scheduled.filter((s) => s.i < decidedAt);
    const after = scheduled.filter((s) => s.i > decidedAt);
    expect(before.length).toBeGreaterThan(0);
    expect(after.length).toBeGreaterThan(0);
    expect(before.every((s) => s.key === 0)).toBe(true);
    expect(after.every((s) => s.key === 1)).toBe(true);
  });

  test('`priority` moves an open run, no further than its tenant allows; another tenant’s run is no run; a closed run is refused', async () => {
    const queued = await startGeneration(gi(), request(OPEN));
    const moved = await changeRunPriority(gi(), queued.workflowId, 'benchmark', OPEN);
    expect(moved).toMatchObject({ priorityClass: 'benchmark', priorityKey: 5, clamped: [] });
    expect((await idle.client.workflow.getHandle(queued.workflowId).describe()).priority).toMatchObject({ priorityKey: 5, fairnessKey: OPEN });
    await expect(changeRunPriority(gi(), queued.workflowId, 'interactive', SLOW)).rejects.toThrow(`no run ${queued.workflowId}`);

    const slow = await startGeneration(gi(), request(SLOW));
    const lowered = await changeRunPriority(gi(), slow.workflowId, 'interactive');
    expect(lowered).toMatchObject({ priorityClass: 'batch', priorityKey: 4, clamped: [expect.objectContaining({ field: 'priority', applied: 'batch' })] });

    for (const id of [queued.workflowId, slow.workflowId]) await idle.client.workflow.getHandle(id).terminate('test done');
    await expect(changeRunPriority(gi(), queued.workflowId, 'batch')).rejects.toThrow(/terminated: only an open run/);
  });

  test('a queued run says where it stands: its place among its tenant’s waiting runs, the runs ahead, and an ETA', async () => {
    const other = `prio-other-${randomUUID().slice(0, 6)}`;
    // A queue of its own: the runs the other tests closed on the idle queue would count as its throughput.
    const token = `tok-queue-${randomUUID()}`;
    const own = await startTestEnv({ name: 'priority-queue', workers: false, env: { IMAGE_AGENT_API_TOKENS: `${token}:${other}:rita:review` } });
    const gi = (): Generations => ({ client: own.client, config: own.config, store: own.store });
    const first = await startGeneration(gi(), request(other));
    const second = await startGeneration(gi(), request(other));
    // Without a run that finished lately there is no rate to estimate from.
    await eventually(async () => {
      const s = await generationStatus(gi(), second.workflowId);
      expect(s).toMatchObject({ stage: 'queued', queue: { position: 2, aheadOnQueue: 1, tenantAhead: 1, finishedPerMinute: 0, rateOf: 'queue' } });
      expect(s.queue).not.toHaveProperty('etaSeconds');
    }, 30_000);
    // One run of the queue closed moments ago: taken over ten seconds at least, so at most six a minute.
    const gone = await startGeneration(gi(), request(`prio-gone-${randomUUID().slice(0, 6)}`));
    await own.client.workflow.getHandle(gone.workflowId).terminate('test: a run that finished');
    await eventually(async () => {
      const q = (await generationStatus(gi(), second.workflowId)).queue;
      expect(q).toMatchObject({ position: 2, aheadOnQueue: 1, tenantAhead: 1, rateOf: 'queue' });
      expectEta(q!, 1);
    }, 30_000);
    // The review page lists them too, with the same figures.
    const api = await listenApi(own);
    const page = await (await fetch(`${api.base}/review`, { headers: { authorization: `Bearer ${token}` } })).text();
    await api.close();
    expect(page).toContain('Waiting for a worker');
    expect(page).toMatch(new RegExp(`${second.workflowId}</code> · #2 of the tenant's waiting runs · 1 ahead on its queue · about \\d+ (s|min)`));
    // Once the tenant's own runs finish, its rate is the estimate's, not the queue's (which has two closed).
    await own.client.workflow.getHandle(first.workflowId).terminate('test: the tenant’s run ahead finished');
    await eventually(async () => {
      const q = (await generationStatus(gi(), second.workflowId)).queue;
      expect(q).toMatchObject({ position: 1, aheadOnQueue: 0, tenantAhead: 0, rateOf: 'tenant' });
      expectEta(q!, 1);
    }, 30_000);
    // Picked up by a worker (a model that takes its time), it is no longer queued, and still has its ETA.
    const fake = await new FakeOpenAIServer().start();
    scriptAgentDefaults(fake);
    fake.baseLatencyMs.chat = 2000;
    const workers = await startTestEnv({ name: 'priority-queue-workers', taskQueue: own.taskQueue, fake });
    try {
      await eventually(async () => {
        const s = await generationStatus(gi(), second.workflowId);
        expect(s.stage).not.toBe('queued');
        expect(s.queue).toBeUndefined();
        expect(s.eta).toMatchObject({ tenantAhead: 0, rateOf: 'tenant' });
        expectEta(s.eta!, 1);
      }, 30_000);
    } finally {
      await own.client.workflow.getHandle(second.workflowId).terminate('test done');
      await workers.stop();
      await fake.stop();
    }
    await own.stop();
  });
});

/** `closed` runs over at least ten seconds: at most `6 × closed` a minute (less as time passes), and the ETA follows from it. */
function expectEta(q: RunEta, closed: number): void {
  expect(q.finishedPerMinute).toBeGreaterThan(0);
  expect(q.finishedPerMinute).toBeLessThanOrEqual(6 * closed);
  expect(q.etaSeconds).toBe(Math.round(((q.tenantAhead + 1) / q.finishedPerMinute) * 60));
}
