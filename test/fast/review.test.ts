/**
 * Review gates (workflows/generate/review/reviewGate.ts, common/reviewRules.ts, common/tenantReviewRules.ts) on the
 * time-skipping server: a wait of hours or days ends by its timeout policy without a real wait, and
 * decisions arrive as updates the validators accept or refuse.
 */
import { randomUUID } from 'node:crypto';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { REVIEW_WAIT_MEMO_KEY, type ReviewPolicy } from '../../common/review';
import type { GenerateImageInput } from '../../common/request';
import type { RunReport } from '../../common/runResult';
import { generateImage } from '../../workflows';
import { reviewSignal, reviewUpdate, planReviewUpdate, statusQuery, type RunStatus } from '../../workflows/generate/generationMessages';
import { addedActivities, scheduledActivities } from '../support/activityCounts';
import { generateInput, runGenerate, scriptedWorld } from './support/runs';
import { startFastEnv, type FakeWorld, type FastEnv } from './support/timeSkippingEnv';

let fast: FastEnv;
beforeAll(async () => {
  fast = await startFastEnv();
});
afterAll(() => fast?.teardown());

const HOUR = 3_600_000;

function review(policy: Partial<ReviewPolicy>): ReviewPolicy {
  return { required: true, onTimeout: 'expire', ...policy };
}

/** Starts a run and hands its handle to `fn` while the workers are up. */
function withRun<T>(input: Partial<GenerateImageInput>, fn: (handle: WorkflowHandle<typeof generateImage>, world: FakeWorld) => Promise<T>): Promise<T> {
  const world = scriptedWorld([['pass']]);
  return fast.withWorkers(
    async (taskQueue) =>
      fn(await fast.env.client.workflow.start(generateImage, { taskQueue, workflowId: `review-${randomUUID()}`, args: [generateInput(input)] }), world),
    { world },
  );
}

/** Queries until the run waits for a review of `kind` (time does not skip while nobody awaits the result). */
async function pendingReview(handle: WorkflowHandle<typeof generateImage>, kind: 'plan' | 'result'): Promise<RunStatus> {
  for (;;) {
    const status = await handle.query(statusQuery);
    if (status.pendingReview?.kind === kind) return status;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('a review wait that runs out', () => {
  test('expire: the run ends expired after its 24-hour timeout, with a timeout record, and server time moved past it', async () => {
    const before = await fast.env.currentTimeMs();
    const result = await runGenerate(fast, { review: review({ timeout: '24 hours', onTimeout: 'expire' }) }, { world: scriptedWorld([['pass']]) });
    expect(result.outcome).toBe('expired');
    expect(result.approval).toBe('expired');
    expect(result.decisions).toMatchObject([{ kind: 'result', decision: 'timeout', via: 'timeout', reviewer: 'timeout policy' }]);
    expect((await fast.env.currentTimeMs()) - before).toBeGreaterThanOrEqual(24 * HOUR);
  });

  test('approve_best: the best candidate is approved and the run completes', async () => {
    const result = await runGenerate(fast, { review: review({ timeout: '2 hours', onTimeout: 'approve_best' }) }, { world: scriptedWorld([['pass']]) });
    expect(result.outcome).toBe('completed');
    expect(result.approval).toBe('approved');
    expect(result.final).toBeDefined();
  });

  test('reject: the run ends rejected', async () => {
    const result = await runGenerate(fast, { review: review({ timeout: '90 seconds', onTimeout: 'reject' }) }, { world: scriptedWorld([['pass']]) });
    expect(result.outcome).toBe('rejected');
    expect(result.approval).toBe('rejected');
  });

  test('a plan review that expires ends the run before anything is rendered', async () => {
    const world = scriptedWorld([['pass']]);
    const result = await runGenerate(fast, { review: review({ required: false, planApproval: true, timeout: '3 days', onTimeout: 'expire' }) }, { world });
    expect(result.outcome).toBe('plan_rejected');
    expect(result.approval).toBe('expired');
    expect(result.images).toEqual([]);
    expect([...world.store.objects.keys()].filter((k) => k.endsWith('.png'))).toEqual([]);
  });

  test('a plan review that times out under approve_best renders as if approved', async () => {
    const result = await runGenerate(
      fast,
      { review: review({ required: false, planApproval: true, timeout: '1 hour', onTimeout: 'approve_best' }) },
      { world: scriptedWorld([['pass']]) },
    );
    expect(result.outcome).toBe('completed');
    expect(result.images).toHaveLength(1);
    expect(result.decisions[0]).toMatchObject({ kind: 'plan', decision: 'timeout' });
  });

  test('a plan review timing out under reject ends plan_rejected', async () => {
    const result = await runGenerate(
      fast,
      { review: review({ required: false, planApproval: true, timeout: '10 minutes', onTimeout: 'reject' }) },
      { world: scriptedWorld([['pass']]) },
    );
    expect(result.outcome).toBe('plan_rejected');
    expect(result.approval).toBe('plan_rejected');
  });

  test('the pending review names its deadline: since + the policy timeout', async () => {
    await withRun({ review: review({ timeout: '6 hours' }) }, async (handle) => {
      const status = await pendingReview(handle, 'result');
      expect(Date.parse(status.pendingReview!.deadline!) - Date.parse(status.pendingReview!.since)).toBe(6 * HOUR);
      expect(status.approval).toBe('pending');
      await handle.terminate('done');
    });
  });
});

describe('decisions', () => {
  test('while a run waits, its reviewWait memo holds the pending review for the inbox; a decision removes it', async () => {
    await withRun({ review: review({ timeout: '6 hours', onTimeout: 'reject' }) }, async (handle) => {
      const status = await pendingReview(handle, 'result');
      expect((await handle.describe()).memo?.[REVIEW_WAIT_MEMO_KEY]).toEqual(status.pendingReview);
      await handle.executeUpdate(reviewUpdate, { args: [{ decision: 'approve', candidateKey: status.pendingReview!.candidateKey!, reviewer: 'rita' }] });
      await handle.result();
      expect((await handle.describe()).memo?.[REVIEW_WAIT_MEMO_KEY]).toBeUndefined();
    });
  });

  test('an approval by update completes the run, recorded as an update by its reviewer', async () => {
    const result = await withRun({ review: review({ timeout: '1 day' }) }, async (handle) => {
      const status = await pendingReview(handle, 'result');
      const accepted = await handle.executeUpdate(reviewUpdate, {
        args: [{ decision: 'approve', candidateKey: status.pendingReview!.candidateKey!, reviewer: 'rita' }],
      });
      expect(accepted).toEqual({ accepted: true, decision: 'approve', next: 'complete' });
      return handle.result();
    });
    expect(result.outcome).toBe('completed');
    expect(result.approval).toBe('approved');
    expect(result.decisions).toMatchObject([{ kind: 'result', decision: 'approve', reviewer: 'rita', via: 'update' }]);
  });

  test('a rejection with feedback renders a new round, which the timeout policy then approves', async () => {
    const result = await withRun({ review: review({ timeout: '1 day', onTimeout: 'approve_best' }) }, async (handle) => {
      const first = await pendingReview(handle, 'result');
      const accepted = await handle.executeUpdate(reviewUpdate, {
        args: [{ decision: 'reject', candidateKey: first.pendingReview!.candidateKey!, feedback: 'make it blue', reviewer: 'rita' }],
      });
      expect(accepted.next).toBe('new_round');
      for (;;) {
        const s = await pendingReview(handle, 'result');
        if (s.pendingReview!.candidateKey !== first.pendingReview!.candidateKey) break;
      }
      return handle.result();
    });
    expect(result.images[0]!.candidates.length).toBeGreaterThanOrEqual(2);
    expect(result.decisions.map((d) => d.decision)).toEqual(['reject', 'timeout']);
    expect(result.outcome).toBe('completed');
  });

  test('an approval may deliver an earlier candidate; a choice that is not the run’s, or comes with a rejection, is refused', async () => {
    const result = await withRun({ review: review({ timeout: '1 day' }) }, async (handle) => {
      const first = (await pendingReview(handle, 'result')).pendingReview!.candidateKey!;
      await handle.executeUpdate(reviewUpdate, { args: [{ decision: 'reject', candidateKey: first, feedback: 'try a warmer palette', reviewer: 'rita' }] });
      let second = first;
      while (second === first) second = (await pendingReview(handle, 'result')).pendingReview!.candidateKey!;
      const refusals = [
        [{ decision: 'approve' as const, candidateKey: second, chosenKey: 'tenants/fast/elsewhere.png' }, /is not a candidate of this run/],
        [{ decision: 'reject' as const, candidateKey: second, chosenKey: first, feedback: 'no' }, /chosenKey goes with an approval/],
      ] as const;
      for (const [decision, why] of refusals) {
        await expect(handle.executeUpdate(reviewUpdate, { args: [decision] })).rejects.toMatchObject({ cause: { message: expect.stringMatching(why) } });
      }
      await handle.executeUpdate(reviewUpdate, { args: [{ decision: 'approve', candidateKey: second, chosenKey: first, reviewer: 'rita' }] });
      return { first, result: await handle.result() };
    });
    expect(result.result.outcome).toBe('completed');
    expect(result.result.images[0]!.final.image.key).toBe(result.first);
    expect(result.result.images[0]!.candidates).toHaveLength(2);
    expect(result.result.decisions.at(-1)).toMatchObject({ decision: 'approve', chosenKey: result.first, reviewer: 'rita' });
  });

  test('a decision naming another candidate is refused as stale, and nothing is recorded', async () => {
    await withRun({ review: review({ timeout: '1 day' }) }, async (handle) => {
      await pendingReview(handle, 'result');
      await expect(handle.executeUpdate(reviewUpdate, { args: [{ decision: 'approve', candidateKey: 'tenants/fast/elsewhere.png' }] })).rejects.toThrow(
        WorkflowUpdateFailedError,
      );
      const status = await handle.query(statusQuery);
      expect(status.decisions).toEqual([]);
      expect(status.approval).toBe('pending');
      await handle.terminate('done');
    });
  });

  test('a rejection without feedback is refused by the validator', async () => {
    await withRun({ review: review({ timeout: '1 day' }) }, async (handle) => {
      const status = await pendingReview(handle, 'result');
      const err = await handle
        .executeUpdate(reviewUpdate, { args: [{ decision: 'reject', candidateKey: status.pendingReview!.candidateKey! }] })
        .catch((e: unknown) => e as WorkflowUpdateFailedError);
      expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
      expect(String((err as WorkflowUpdateFailedError).cause?.message)).toMatch(/feedback is required/);
      await handle.terminate('done');
    });
  });

  test('a result decision while the plan is under review is refused; a plan approval moves on to rendering', async () => {
    await withRun({ review: review({ required: false, planApproval: true, timeout: '1 day' }) }, async (handle) => {
      await pendingReview(handle, 'plan');
      await expect(handle.executeUpdate(reviewUpdate, { args: [{ decision: 'approve', candidateKey: 'x' }] })).rejects.toThrow(WorkflowUpdateFailedError);
      const accepted = await handle.executeUpdate(planReviewUpdate, { args: [{ decision: 'approve', reviewer: 'rita' }] });
      expect(accepted.next).toBe('render');
      const result = await handle.result();
      expect(result.outcome).toBe('completed');
      expect(result.images).toHaveLength(1);
    });
  });

  test('an invalid signal cannot be refused: it is ignored and listed in the report', async () => {
    await withRun({ review: review({ timeout: '1 hour', onTimeout: 'expire' }) }, async (handle, world) => {
      await pendingReview(handle, 'result');
      await handle.signal(reviewSignal, { decision: 'approve', candidateKey: 'tenants/fast/not-the-candidate.png' });
      const result = await handle.result();
      expect(result.outcome).toBe('expired');
      const report = JSON.parse((await world.store.get(result.reportKey!)).toString()) as RunReport;
      expect(report.ignoredSignals).toHaveLength(1);
      expect(report.ignoredSignals[0]!.reason).toMatch(/stale decision/);
    });
  });
});

describe('an edit', () => {
  test('renders the edited prompt and judges the edited checklist: one render, one critique, nothing planned again', async () => {
    const result = await withRun({ review: review({ timeout: '1 day' }) }, async (handle) => {
      const first = await pendingReview(handle, 'result');
      const before = await scheduledActivities(handle);
      const accepted = await handle.executeUpdate(reviewUpdate, {
        args: [
          {
            decision: 'edit',
            candidateKey: first.pendingReview!.candidateKey!,
            prompt: 'a red kite over dunes, flat colours',
            checklist: ['The kite is red', 'Dunes fill the lower half'],
            reviewer: 'rita',
          },
        ],
      });
      expect(accepted).toEqual({ accepted: true, decision: 'edit', next: 'rerender' });
      let second: RunStatus;
      do second = await pendingReview(handle, 'result');
      while (second.pendingReview!.candidateKey === first.pendingReview!.candidateKey);
      const after = await scheduledActivities(handle);
      const added = addedActivities(before, after);
      expect(added).toEqual({ renderImage: 1, critiqueImage: 1 });
      expect(second.checklist.map((i) => i.statement)).toEqual(['The kite is red', 'Dunes fill the lower half']);
      const edited = second.candidates.at(-1)!;
      expect(edited).toMatchObject({ round: 2, context: { prompt: 'a red kite over dunes, flat colours' } });
      expect(edited.critique!.verdicts.map((v) => v.itemId)).toEqual(['edit-r2-1', 'edit-r2-2']);
      expect(second.decisions).toMatchObject([{ kind: 'result', decision: 'edit', edited: ['prompt', 'checklist'], reviewer: 'rita' }]);
      await handle.executeUpdate(reviewUpdate, { args: [{ decision: 'approve', candidateKey: second.pendingReview!.candidateKey!, reviewer: 'rita' }] });
      return handle.result();
    });
    expect(result.outcome).toBe('completed');
    expect(result.final!.context.prompt).toBe('a red kite over dunes, flat colours');
  });

  test('an edit that changes nothing, is malformed, or rides on an approval is refused before anything is recorded', async () => {
    await withRun({ review: review({ timeout: '1 day' }) }, async (handle) => {
      const status = await pendingReview(handle, 'result');
      const candidateKey = status.pendingReview!.candidateKey!;
      for (const [decision, refusal] of [
        [{ decision: 'edit', candidateKey }, /at least one/],
        [{ decision: 'edit', candidateKey, prompt: '  ' }, /must not be empty/],
        [{ decision: 'edit', candidateKey, checklist: [] }, /1 to 20 statements/],
        [{ decision: 'edit', candidateKey, checklist: Array.from({ length: 21 }, (_, i) => `item ${i}`) }, /1 to 20 statements/],
        [{ decision: 'edit', candidateKey, prompt: 'x'.repeat(8001) }, /prompt/],
        [{ decision: 'edit', candidateKey, prompt: 'a\u0000b' }, /prompt/],
        [{ decision: 'approve', candidateKey, prompt: 'sneaked in' }, /are edits/],
      ] as const) {
        await expect(handle.executeUpdate(reviewUpdate, { args: [decision as never] })).rejects.toMatchObject({
          cause: { message: expect.stringMatching(refusal) },
        });
      }
      expect((await handle.query(statusQuery)).decisions).toEqual([]);
      await handle.terminate('done');
    });
  });
});

describe("a four-eyes tenant's rules", () => {
  const reviewAuth = { publicKey: Buffer.alloc(32).toString('base64'), requestedBy: 'alice', fourEyes: true };

  test('a request without review still waits for one, and its wait expires rather than approving', async () => {
    const result = await runGenerate(
      fast,
      { review: { required: false, onTimeout: 'approve_best', timeout: '2 hours' }, reviewAuth },
      { world: scriptedWorld([['pass']]) },
    );
    expect(result.outcome).toBe('expired');
    expect(result.approval).toBe('expired');
  });

  test("the tenant's floor lengthens a shorter wait", async () => {
    await withRun({ review: review({ timeout: '1 minute' }), reviewAuth: { ...reviewAuth, minTimeout: '8 hours' } }, async (handle) => {
      const status = await pendingReview(handle, 'result');
      expect(Date.parse(status.pendingReview!.deadline!) - Date.parse(status.pendingReview!.since)).toBe(8 * HOUR);
      expect(status.pendingReview!.onTimeout).toBe('expire');
      await handle.terminate('done');
    });
  });

  test('an unsigned decision is refused for a run with review auth', async () => {
    await withRun({ review: review({ timeout: '1 day' }), reviewAuth }, async (handle) => {
      const status = await pendingReview(handle, 'result');
      await expect(
        handle.executeUpdate(reviewUpdate, { args: [{ decision: 'approve', candidateKey: status.pendingReview!.candidateKey!, reviewer: 'bob' }] }),
      ).rejects.toThrow(WorkflowUpdateFailedError);
      await handle.terminate('done');
    });
  });
});
