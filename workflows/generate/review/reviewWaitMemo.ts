/**
 * The `reviewWait` memo of a waiting run: its pending review (gate, candidate, since, deadline, timeout policy; no
 * request text), so the reviewer's inbox lists, filters and sorts waiting runs from the list call alone, with no
 * query to a worker per run (client/reviewInbox.ts). Removed once decided. The memo is encrypted like any payload.
 */
import { patched, upsertMemo } from '@temporalio/workflow';
import { REVIEW_WAIT_MEMO_KEY, type PendingReview } from '../../../common/review';
import { REVIEW_WAIT_MEMO } from '../../patches';

export class ReviewWaitMemo {
  private written = false;

  open(pending: PendingReview): void {
    this.written = patched(REVIEW_WAIT_MEMO);
    if (this.written) upsertMemo({ [REVIEW_WAIT_MEMO_KEY]: pending });
  }

  /** The same wait, changed (reminded, escalated). */
  update(pending: PendingReview): void {
    if (this.written) upsertMemo({ [REVIEW_WAIT_MEMO_KEY]: pending });
  }

  close(): void {
    if (this.written) upsertMemo({ [REVIEW_WAIT_MEMO_KEY]: null });
    this.written = false;
  }
}
