/**
 * Webhook notification of a run's events. Fire-and-track: a delivery never holds the run up, but the run
 * waits for its deliveries before it ends.
 */
import { workflowInfo } from '@temporalio/workflow';
import type { WebhookEvent } from '../../activities/deliverWebhook';
import { durationMs } from '../../common/duration';
import type { Run } from './run';

/**
 * `occasion` tells apart deliveries of one event between the same two decisions (the reminder before an escalation
 * and the one after it): each keeps its own idempotency key.
 */
export function notify(run: Run, event: WebhookEvent, extra: Record<string, unknown> = {}, occasion = ''): void {
  if (!run.input.webhook) return;
  const info = workflowInfo();
  const seq = run.gate.decisions.length;
  run.webhookDeliveries.push(
    run.acts.webhooks.deliverWebhook
      .executeWithOptions({ summary: `webhook: ${event}` }, [
        {
          webhookKey: run.input.webhook.key,
          event,
          idempotencyKey: `${info.workflowId}:${event}:${seq}${occasion}`,
          payload: {
            workflowId: info.workflowId,
            runId: info.runId,
            tenantId: run.input.tenantId,
            stage: run.stage,
            approval: run.gate.approval,
            candidates: run.images.map((i) => ({ imageIndex: i.imageIndex, round: i.final.round, key: i.final.image.key })),
            occurredAt: new Date().toISOString(),
            ...extra,
          },
        },
      ])
      .catch(() => undefined), // a receiver that stays down is recorded in the history, not a failed run
  );
}

/** When a review opened now will time out (its first deadline), for the review_needed event's links. */
export function reviewDeadline(run: Run): { deadline?: string } {
  const timeout = run.input.review?.timeout;
  return timeout ? { deadline: new Date(Date.now() + durationMs(timeout)).toISOString() } : {};
}

/** Waits for every delivery started so far (each settles: failures are already caught). */
export async function deliveriesSettled(run: Run): Promise<void> {
  await Promise.all(run.webhookDeliveries);
}
