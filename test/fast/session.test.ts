/**
 * The Session workflow (workflows/session/session.ts) on the time-skipping server: turns in order, each with the
 * earlier ones it needs, continue-as-new with the state carried over, the owner check, and the idle end
 * after days without a real wait.
 */
import { randomUUID } from 'node:crypto';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { AgentActivities } from '../../activities';
import { session } from '../../workflows';
import { closeSessionSignal, sessionQuery, submitTurnUpdate, type SessionOwner, type SessionView } from '../../workflows/session/sessionMessages';
import { scriptedWorld, TENANT } from './support/runs';
import { startFastEnv, type FastEnv, type WorkerOptions } from './support/timeSkippingEnv';

let fast: FastEnv;
beforeAll(async () => {
  fast = await startFastEnv();
});
afterAll(() => fast?.teardown());

const owner: SessionOwner = { tenantId: TENANT, userId: 'u1', sessionId: 's1' };

function withSession<T>(
  extra: { maxTurnsPerRun?: number },
  fn: (handle: WorkflowHandle<typeof session>) => Promise<T>,
  options: WorkerOptions = { world: scriptedWorld([['pass']]) },
): Promise<T> {
  return fast.withWorkers(
    async (taskQueue) =>
      fn(
        await fast.env.client.workflow.start(session, {
          taskQueue,
          workflowId: `session-${randomUUID()}`,
          args: [{ ...owner, options: { size: '512x512' }, ...extra }],
        }),
      ),
    options,
  );
}

/** Queries (the latest run) until every turn has settled. */
async function settled(handle: WorkflowHandle<typeof session>, turns: number): Promise<SessionView> {
  const deadline = Date.now() + 40_000;
  for (;;) {
    // Each query has its own deadline: one sent as the run continues as new can reach the closed run, and
    // the test server may never answer it. The next poll reaches the new run.
    const view = await fast.env.client.withDeadline(Date.now() + 5_000, () => handle.query(sessionQuery)).catch(() => undefined);
    if (view && view.turns.length >= turns && view.turns.every((t) => t.status === 'done' || t.status === 'failed')) return view;
    // A stuck session says where it stuck, rather than only that the test timed out.
    if (Date.now() > deadline)
      throw new Error(`session did not settle ${turns} turns: ${JSON.stringify({ view, status: (await handle.describe()).status.name })}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// First: a session left running by a failed test would keep the server from skipping time.
test('a session nobody talks to completes after its idle timeout, skipped rather than waited', async () => {
  const before = await fast.env.currentTimeMs();
  const turns = await withSession({}, (handle) => handle.result());
  expect(turns).toEqual([]);
  expect((await fast.env.currentTimeMs()) - before).toBeGreaterThanOrEqual(7 * 24 * 3_600_000);
});

test('turns run in order as GenerateImage children; a later turn brings the earlier ones along', async () => {
  const turns = await withSession({}, async (handle) => {
    const first = await handle.executeUpdate(submitTurnUpdate, { args: [{ request: 'a red bicycle', owner }] });
    const second = await handle.executeUpdate(submitTurnUpdate, { args: [{ request: 'the same bicycle, now blue', owner }] });
    expect([first.index, second.index]).toEqual([1, 2]);
    expect(second.workflowId).toBe(`${handle.workflowId}-turn-2`);
    await settled(handle, 2);
    await handle.signal(closeSessionSignal);
    return handle.result();
  });
  expect(turns.map((t) => [t.index, t.status])).toEqual([
    [1, 'done'],
    [2, 'done'],
  ]);
  expect(turns[1]!.usedTurns).toEqual([1]);
  expect(turns[0]!.imageKeys.length).toBe(1);
});

test('past maxTurnsPerRun the session continues as new, carrying every turn and its count', async () => {
  await withSession({ maxTurnsPerRun: 2 }, async (handle) => {
    const firstRunId = (await handle.describe()).runId;
    // All three are accepted by the first run, long before its two turns have rendered: no update races the
    // run's end. The third travels in the continued state.
    for (const request of ['one', 'two', 'three']) {
      await handle.executeUpdate(submitTurnUpdate, { args: [{ request: `a poster saying ${request}`, owner }] });
    }
    const view = await settled(handle, 3);
    expect(view.continuedAsNew).toBe(1);
    expect(view.turns.map((t) => t.index)).toEqual([1, 2, 3]);
    expect(view.turns[2]!.usedTurns!.length).toBeGreaterThan(0);
    const latest = await handle.describe();
    expect(latest.runId).not.toBe(firstRunId);
    await handle.signal(closeSessionSignal);
    // The latest run's result, not the chain followed from the first run: the suspected hang of this test under
    // load (not yet pinned down; settled() has its own deadline and did not fire).
    const turns = await fast.env.client.workflow.getHandle<typeof session>(handle.workflowId).result();
    expect(turns.map((t) => t.status)).toEqual(['done', 'done', 'done']);
  });
});

test('a turn of another owner is refused by the validator and leaves no turn behind', async () => {
  await withSession({}, async (handle) => {
    await expect(handle.executeUpdate(submitTurnUpdate, { args: [{ request: 'hello', owner: { ...owner, userId: 'mallory' } }] })).rejects.toThrow(
      WorkflowUpdateFailedError,
    );
    expect((await handle.query(sessionQuery)).turns).toEqual([]);
    await handle.terminate('done');
  });
});

test('an empty request is refused', async () => {
  await withSession({}, async (handle) => {
    const err = await handle.executeUpdate(submitTurnUpdate, { args: [{ request: '  ', owner }] }).catch((e: unknown) => e as WorkflowUpdateFailedError);
    expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
    expect(String((err as WorkflowUpdateFailedError).cause?.message)).toMatch(/no request text/);
    await handle.terminate('done');
  });
});

test('a failed turn is recorded and the conversation goes on', async () => {
  const overrides = (real: AgentActivities): Partial<AgentActivities> => ({
    planContext: (input) =>
      input.request.includes('boom') ? Promise.reject(ApplicationFailure.nonRetryable('the planner refused', 'InvalidInput')) : real.planContext(input),
  });
  await withSession(
    {},
    async (handle) => {
      await handle.executeUpdate(submitTurnUpdate, { args: [{ request: 'boom', owner }] });
      await handle.executeUpdate(submitTurnUpdate, { args: [{ request: 'a calm lake', owner }] });
      const view = await settled(handle, 2);
      expect(view.turns.map((t) => t.status)).toEqual(['failed', 'done']);
      expect(view.turns[0]!.error).toBeTruthy();
      expect(view.turns[1]!.usedTurns).toEqual([]);
      await handle.signal(closeSessionSignal);
      await handle.result();
    },
    { world: scriptedWorld([['pass']]), overrides },
  );
});

test('a closed session refuses new turns', async () => {
  await withSession({}, async (handle) => {
    await handle.executeUpdate(submitTurnUpdate, { args: [{ request: 'a kite', owner }] });
    await settled(handle, 1);
    await handle.signal(closeSessionSignal);
    await handle.result();
    await expect(handle.executeUpdate(submitTurnUpdate, { args: [{ request: 'another kite', owner }] })).rejects.toThrow();
  });
});

// Issue 23: a policy change reaches the next turn of a running session; the turn before keeps its version.
test('each turn runs under the tenant policy it was submitted with, and says what it clamped', async () => {
  const policy = (version: number, maxRounds: number) => ({
    tenantId: TENANT,
    version,
    policy: {
      review: { required: false, fourEyes: false, allowApproveBestOnTimeout: true },
      maxRounds,
      maxImages: 12,
      allowedAblations: [],
      priorityClass: 'interactive' as const,
      fairnessWeight: 1,
      maxQueuedRuns: 100,
      maxOpenRuns: 100,
    },
  });
  // Every critique fails, so each turn renders as many rounds as its policy allows.
  const world = scriptedWorld([['fail']]);
  const view = await withSession(
    {},
    async (handle) => {
      const first = await handle.executeUpdate(submitTurnUpdate, {
        args: [{ request: 'a red bicycle', owner, options: { maxRounds: 5 }, policy: policy(1, 1) }],
      });
      expect(first.clamped).toEqual([expect.objectContaining({ field: 'options.maxRounds', requested: 5, applied: 1 })]);
      await settled(handle, 1);
      expect(world.critic.calls).toBe(1);
      const second = await handle.executeUpdate(submitTurnUpdate, {
        args: [{ request: 'the same bicycle, now blue', owner, options: { ablations: { noSearch: true } }, policy: policy(2, 2) }],
      });
      expect(second).toMatchObject({ policyVersion: 2, clamped: [expect.objectContaining({ field: 'options.ablations.noSearch' })] });
      const settledView = await settled(handle, 2);
      await handle.signal(closeSessionSignal);
      return settledView;
    },
    { world },
  );
  expect(world.critic.calls).toBe(1 + 2);
  expect(view.turns.map((t) => [t.status, t.policyVersion])).toEqual([
    ['done', 1],
    ['done', 2],
  ]);
});
