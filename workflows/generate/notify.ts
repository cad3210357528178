/**
 * Webhook notification of a run's events. Fire-and-track: a delivery never holds the run up, but the run
 * waits for its deliveries before it ends.
 */
import { workflowInfo } from '@temporalio/workflow';
import type { WebhookEvent } from '../../activities/deliverWebhook';
import type { Run } from './run';

export function notify(run: Run, event: WebhookEvent, extra: Record<string, unknown> = {}): void {
  if (!run.input.webhook) return;
  const info = workflowInfo();
  const seq = run.gate.decisions.length;
  run.webhookDeliveries.push(
    run.acts.webhooks.deliverWebhook
      .executeWithOptions({ summary: `webhook: ${event}` }, [
        {
          webhookKey: run.input.webhook.key,
          event,
          idempotencyKey: `${info.workflowId}:${event}:${seq}`,
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

/** Waits for every delivery started so far (each settles: failures are already caught). */
export async function deliveriesSettled(run: Run): Promise<void> {
  await Promise.all(run.webhookDeliveries);
}
