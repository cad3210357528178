/**
 * The wait for a reviewer's decision, as durable timers: a reminder at a share of the deadline, then, under the
 * tenant's escalation policy, a second group of reviewers with a deadline of its own (reminded the same way),
 * then the timeout policy. Each step is a timer in the history, so time-skipping tests cross days at once and a
 * worker restart resumes the wait where it was.
 */
import { condition, metricMeter, patched } from '@temporalio/workflow';
import { DEFAULT_REMIND_AT, type PendingReview, type ReviewPolicy } from '../../../common/review';
import { durationMs } from '../../../common/duration';
import { REVIEW_REMINDERS } from '../../patches';

export type ReviewWaitEvent = 'review_reminder' | 'review_escalated';

/** What changes in the pending review when an event happens (merged over it by the gate). */
export type AnnounceReviewEvent = (event: ReviewWaitEvent, change: Partial<PendingReview>) => void;

export class ReviewClock {
  constructor(
    private readonly policy: ReviewPolicy,
    private readonly announce: AnnounceReviewEvent,
  ) {}

  /** The wait as it opens now: since when, the first deadline, and what happens at it. */
  opening(): Pick<PendingReview, 'since' | 'deadline' | 'onTimeout' | 'escalatesTo'> {
    const { timeout, onTimeout, escalation } = this.policy;
    const since = Date.now();
    return {
      since: new Date(since).toISOString(),
      onTimeout,
      ...(timeout ? { deadline: new Date(since + durationMs(timeout)).toISOString() } : {}),
      ...(timeout && escalation ? { escalatesTo: escalation.reviewers } : {}),
    };
  }

  /** True once `done`; false when every deadline ran out and the timeout policy is to decide. */
  async wait(done: () => boolean): Promise<boolean> {
    const { timeout, escalation } = this.policy;
    if (!timeout) {
      await condition(done);
      return true;
    }
    if (!patched(REVIEW_REMINDERS)) return condition(done, durationMs(timeout));
    if (await this.waitReminding(done, durationMs(timeout))) return true;
    if (!escalation) return false;
    const now = Date.now();
    this.emit('review_escalated', {
      escalatesTo: undefined,
      escalatedTo: escalation.reviewers,
      escalatedAt: new Date(now).toISOString(),
      deadline: new Date(now + durationMs(escalation.timeout)).toISOString(),
      remindedAt: undefined,
    });
    return this.waitReminding(done, durationMs(escalation.timeout));
  }

  /** Waits up to `totalMs`, reminding once at the policy's share of it. */
  private async waitReminding(done: () => boolean, totalMs: number): Promise<boolean> {
    const share = this.policy.remindAt ?? DEFAULT_REMIND_AT;
    const first = share > 0 && share < 1 ? Math.round(totalMs * share) : totalMs;
    if (await condition(done, first)) return true;
    if (first === totalMs) return false;
    this.emit('review_reminder', { remindedAt: new Date().toISOString() });
    return condition(done, totalMs - first);
  }

  private emit(event: ReviewWaitEvent, change: Partial<PendingReview>): void {
    // Emitted by the worker's SDK runtime (folded into /metrics), and never while a history is replayed.
    metricMeter.createCounter('image_agent_review_events', 'events', 'Review reminders and escalations, by event.').add(1, { event });
    this.announce(event, change);
  }
}
