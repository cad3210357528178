/**
 * Reminders and escalation of a review wait (workflows/generate/review/reviewClock.ts) on the time-skipping
 * server: a reminder at the policy's share of the deadline (webhook, memo flag), then escalation to the tenant's
 * second group with a deadline of its own, then the timeout policy. Days pass with no real wait.
 */
import { randomUUID } from 'node:crypto';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import type { WebhookDelivery } from '../../activities/deliverWebhook';
import { REVIEW_WAIT_MEMO_KEY, type PendingReview, type ReviewPolicy } from '../../common/review';
import type { GenerateImageInput } from '../../common/request';
import { generateImage } from '../../workflows';
import { reviewUpdate, statusQuery, type RunStatus } from '../../workflows/generate/generationMessages';
import { generateInput, scriptedWorld } from './support/runs';
import { startFastEnv, type FastEnv } from './support/timeSkippingEnv';

let fast: FastEnv;
beforeAll(async () => {
  fast = await startFastEnv();
});
afterAll(() => fast?.teardown());

const HOUR = 3_600_000;
const MINUTE = 60_000;

/** A run on workers whose webhook deliveries are captured (the run's own notify path, up to the activity). */
function withRun<T>(
  review: ReviewPolicy,
  fn: (handle: WorkflowHandle<typeof generateImage>, deliveries: WebhookDelivery[]) => Promise<T>,
  input: Partial<GenerateImageInput> = {},
): Promise<T> {
  const deliveries: WebhookDelivery[] = [];
  const deliverWebhook = (d: WebhookDelivery) => {
    deliveries.push(d);
    return Promise.resolve({ status: 204 });
  };
  return fast.withWorkers(
    async (taskQueue) => {
      const args: [GenerateImageInput] = [generateInput({ review, webhook: { key: 'webhooks/fast.json' }, ...input })];
      return fn(await fast.env.client.workflow.start(generateImage, { taskQueue, workflowId: `remind-${randomUUID()}`, args }), deliveries);
    },
    { world: scriptedWorld([['pass']]), overrides: { deliverWebhook } },
  );
}

/** Polls the run's status (time does not skip while nobody awaits a result) until `ok`. */
async function statusWhen(handle: WorkflowHandle<typeof generateImage>, ok: (s: RunStatus) => boolean): Promise<RunStatus> {
  for (;;) {
    const status = await handle.query(statusQuery);
    if (ok(status)) return status;
    await new Promise((r) => setTimeout(r, 100));
  }
}

const memoOf = async (handle: WorkflowHandle<typeof generateImage>) => (await handle.describe()).memo?.[REVIEW_WAIT_MEMO_KEY] as PendingReview | undefined;
const events = (deliveries: WebhookDelivery[]) => deliveries.map((d) => d.event);

async function timersStarted(handle: WorkflowHandle<typeof generateImage>): Promise<number> {
  const history = await handle.fetchHistory();
  return (history.events ?? []).filter((e) => e.timerStartedEventAttributes).length;
}

describe('a reminder at a share of the deadline', () => {
  test('halfway by default: the reminder webhook goes out, the memo and status say when, and the run still expires at its deadline', async () => {
    await withRun({ required: true, timeout: '24 hours', onTimeout: 'expire' }, async (handle, deliveries) => {
      const opened = await statusWhen(handle, (s) => s.pendingReview?.kind === 'result');
      expect(opened.pendingReview?.remindedAt).toBeUndefined();
      expect(events(deliveries)).toEqual(['review_needed']);
      expect(deliveries[0]!.payload).toMatchObject({ deadline: opened.pendingReview!.deadline });

      await fast.env.sleep(12 * HOUR + MINUTE);
      const reminded = await statusWhen(handle, (s) => s.pendingReview?.remindedAt !== undefined);
      expect(Date.parse(reminded.pendingReview!.remindedAt!) - Date.parse(opened.pendingReview!.since)).toBeGreaterThanOrEqual(12 * HOUR);
      expect(reminded.pendingReview!.deadline).toBe(opened.pendingReview!.deadline); // a reminder moves nothing
      expect(await memoOf(handle)).toEqual(reminded.pendingReview);
      expect(events(deliveries)).toEqual(['review_needed', 'review_reminder']);
      const reminder = deliveries[1]!;
      expect(reminder.payload).toMatchObject({ pendingReview: { kind: 'result', remindedAt: reminded.pendingReview!.remindedAt } });
      expect(reminder.idempotencyKey).not.toBe(deliveries[0]!.idempotencyKey);

      const result = await handle.result();
      expect(result.outcome).toBe('expired');
      expect(await timersStarted(handle)).toBe(2);
      expect(events(deliveries)).toEqual(['review_needed', 'review_reminder', 'completed']);
    });
  });

  test('remindAt 0.25 reminds at a quarter; remindAt 0 sends none and waits on one timer', async () => {
    await withRun({ required: true, timeout: '8 hours', onTimeout: 'expire', remindAt: 0.25 }, async (handle, deliveries) => {
      const opened = await statusWhen(handle, (s) => s.pendingReview?.kind === 'result');
      await fast.env.sleep(2 * HOUR + MINUTE);
      const reminded = await statusWhen(handle, (s) => s.pendingReview?.remindedAt !== undefined);
      expect(Date.parse(reminded.pendingReview!.remindedAt!) - Date.parse(opened.pendingReview!.since)).toBeLessThan(3 * HOUR);
      expect(events(deliveries)).toContain('review_reminder');
      await handle.result();
    });
    await withRun({ required: true, timeout: '8 hours', onTimeout: 'expire', remindAt: 0 }, async (handle, deliveries) => {
      expect((await handle.result()).outcome).toBe('expired');
      expect(events(deliveries)).not.toContain('review_reminder');
      expect(await timersStarted(handle)).toBe(1);
    });
  });

  test('a decision before the reminder: no reminder, and the run completes', async () => {
    await withRun({ required: true, timeout: '24 hours', onTimeout: 'expire' }, async (handle, deliveries) => {
      const status = await statusWhen(handle, (s) => s.pendingReview?.kind === 'result');
      await handle.executeUpdate(reviewUpdate, { args: [{ decision: 'approve', candidateKey: status.pendingReview!.candidateKey!, reviewer: 'ana' }] });
      expect((await handle.result()).outcome).toBe('completed');
      expect(events(deliveries)).not.toContain('review_reminder');
    });
  });
});

describe('escalation at the deadline', () => {
  const escalating: ReviewPolicy = {
    required: true,
    timeout: '1 hour',
    onTimeout: 'expire',
    escalation: { reviewers: ['lead', 'director'], timeout: '2 days' },
  };

  test('the review passes to the second group with its own deadline; only they may decide, and their approval completes the run', async () => {
    await withRun(escalating, async (handle, deliveries) => {
      const opened = await statusWhen(handle, (s) => s.pendingReview?.kind === 'result');
      expect(opened.pendingReview).toMatchObject({ escalatesTo: ['lead', 'director'], onTimeout: 'expire' });

      await fast.env.sleep(HOUR + MINUTE);
      const escalated = await statusWhen(handle, (s) => s.pendingReview?.escalatedTo !== undefined);
      const p = escalated.pendingReview!;
      expect(p.escalatedTo).toEqual(['lead', 'director']);
      expect(p.escalatesTo).toBeUndefined();
      expect(p.remindedAt).toBeUndefined(); // the escalated deadline has its own reminder
      expect(Date.parse(p.deadline!) - Date.parse(p.escalatedAt!)).toBe(48 * HOUR);
      expect(await memoOf(handle)).toEqual(p);
      expect(events(deliveries)).toEqual(['review_needed', 'review_reminder', 'review_escalated']);
      expect(deliveries[2]!.payload).toMatchObject({ pendingReview: { escalatedTo: ['lead', 'director'] } });

      const refused = handle.executeUpdate(reviewUpdate, { args: [{ decision: 'approve', candidateKey: p.candidateKey!, reviewer: 'ana' }] });
      await expect(refused).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
      await expect(refused).rejects.toMatchObject({
        cause: { message: expect.stringMatching(/escalated review: only lead, director may decide now, and ana is not one of them/) },
      });

      await fast.env.sleep(24 * HOUR + MINUTE);
      await statusWhen(handle, (s) => s.pendingReview?.remindedAt !== undefined);
      expect(events(deliveries)).toEqual(['review_needed', 'review_reminder', 'review_escalated', 'review_reminder']);
      expect(new Set(deliveries.map((d) => d.idempotencyKey)).size).toBe(4);

      await handle.executeUpdate(reviewUpdate, { args: [{ decision: 'approve', candidateKey: p.candidateKey!, reviewer: 'director' }] });
      const result = await handle.result();
      expect(result.outcome).toBe('completed');
      expect(result.decisions).toMatchObject([{ decision: 'approve', reviewer: 'director' }]);
    });
  });

  test('nobody in the second group decides either: the timeout policy applies at the escalated deadline', async () => {
    await withRun(escalating, async (handle, deliveries) => {
      const opened = await statusWhen(handle, (s) => s.pendingReview?.kind === 'result');
      const result = await handle.result();
      expect(result.outcome).toBe('expired');
      expect(result.decisions).toMatchObject([{ decision: 'timeout', via: 'timeout' }]);
      const endedAt = Date.parse(result.decisions[0]!.at);
      expect(endedAt - Date.parse(opened.pendingReview!.since)).toBeGreaterThanOrEqual(49 * HOUR);
      expect(events(deliveries).filter((e) => e.startsWith('review_'))).toEqual(['review_needed', 'review_reminder', 'review_escalated', 'review_reminder']);
      expect(await timersStarted(handle)).toBe(4);
    });
  });

  test('a plan review escalates the same way', async () => {
    await withRun({ ...escalating, required: false, planApproval: true }, async (handle) => {
      await statusWhen(handle, (s) => s.pendingReview?.kind === 'plan');
      await fast.env.sleep(HOUR + MINUTE);
      const escalated = await statusWhen(handle, (s) => s.pendingReview?.escalatedTo !== undefined);
      expect(escalated.pendingReview).toMatchObject({ kind: 'plan', escalatedTo: ['lead', 'director'] });
      expect((await handle.result()).outcome).toBe('plan_rejected');
    });
  });
});
