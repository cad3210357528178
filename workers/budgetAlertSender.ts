/**
 * Delivers the budget warnings the spend ledger queued (infra/migrations/006, providers/spend/spendLedger.ts) to
 * each tenant's `budgets.alertWebhookUrl`, signed as run webhooks are (activities/deliverWebhook.ts), from every
 * orchestration worker process. Rows are claimed with `for update skip locked`, so several workers never send
 * one twice at once; a claim pushes the row's next attempt out first (5 s doubling to 10 min), so a worker that
 * dies mid-delivery leaves it to be retried, and the idempotency key (the row's id) lets the receiver drop a
 * repeat. A 4xx other than 408/429, or 20 attempts, gives up. With Postgres down a pass fails and the next one,
 * 5 s later, tries again: warnings wait in the table. Cost: one query a pass when nothing is due.
 */
import type { Pool } from 'pg';
import { signWebhook } from '../activities/deliverWebhook';
import type { AppConfig } from '../common/config';
import { safeFetch } from '../providers/search/safeFetch';
import { budgetAlerts } from '../telemetry/appMetrics';

const PASS_MS = 5_000;
const MAX_ATTEMPTS = 20;

interface DueAlert {
  id: string;
  tenant_id: string;
  budget: string;
  limit_usd: string;
  committed_usd: string;
  percent: number;
  created_at: Date;
  attempts: number;
  url: string | null;
}

export type AlertOutcome = 'delivered' | 'retrying' | 'given_up';

export class BudgetAlertSender {
  private timer?: NodeJS.Timeout;
  private pass?: Promise<unknown>;
  private warnedNoSecret = false;

  constructor(
    private readonly pool: Pool,
    private readonly webhooks: AppConfig['webhooks'],
  ) {}

  start(): this {
    const tick = () => {
      this.pass = this.sendDue()
        .catch((err: unknown) => console.warn(`budget alerts: this pass failed, the next one retries: ${(err as Error).message}`))
        .finally(() => (this.timer = setTimeout(tick, PASS_MS).unref()));
    };
    tick();
    return this;
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.pass;
  }

  /** One pass: claims the due warnings and sends each; what happened to each. */
  async sendDue(): Promise<Record<string, AlertOutcome>> {
    const secret = this.webhooks.secret;
    if (!secret) {
      if (this.warnedNoSecret) return {};
      const { rows } = await this.pool.query<{ n: string }>('select count(*) as n from budget_alerts where delivered_at is null and given_up_at is null');
      if (Number(rows[0]?.n ?? 0) > 0) {
        console.warn('budget alerts: IMAGE_AGENT_WEBHOOK_SECRET is not set, so budget warnings are kept, not sent');
        this.warnedNoSecret = true;
      }
      return {};
    }
    const { rows } = await this.pool.query<DueAlert>(
      `update budget_alerts a set attempts = a.attempts + 1, next_attempt_at = now() + make_interval(secs => least(600, 5 * power(2, a.attempts)))
         from (select id from budget_alerts where delivered_at is null and given_up_at is null and next_attempt_at <= now()
                order by next_attempt_at limit 20 for update skip locked) due
        where a.id = due.id
        returning a.id, a.tenant_id, a.budget, a.limit_usd, a.committed_usd, a.percent, a.created_at, a.attempts,
                  (select policy->'budgets'->>'alertWebhookUrl' from tenant_policies p where p.tenant_id = a.tenant_id) as url`,
    );
    const outcomes: Record<string, AlertOutcome> = {};
    await Promise.all(
      rows.map(async (alert) => {
        const error = await this.deliver(alert, secret);
        const outcome: AlertOutcome = error === undefined ? 'delivered' : error.final || alert.attempts >= MAX_ATTEMPTS ? 'given_up' : 'retrying';
        outcomes[alert.id] = outcome;
        budgetAlerts.inc({ outcome });
        await this.pool.query(
          `update budget_alerts set delivered_at = case when $2 = 'delivered' then now() end, given_up_at = case when $2 = 'given_up' then now() end, last_error = $3 where id = $1`,
          [alert.id, outcome, error?.message ?? null],
        );
      }),
    );
    return outcomes;
  }

  /** Undefined when delivered; otherwise why not, and whether trying again can help. */
  private async deliver(alert: DueAlert, secret: string): Promise<{ message: string; final: boolean } | undefined> {
    if (!alert.url) return { message: 'the tenant has no budgets.alertWebhookUrl any more', final: true };
    const body = JSON.stringify({
      event: 'budget_soft_limit',
      idempotencyKey: alert.id,
      tenantId: alert.tenant_id,
      budget: alert.budget,
      limitUsd: Number(alert.limit_usd),
      committedUsd: Number(alert.committed_usd),
      percent: alert.percent,
      at: new Date(alert.created_at).toISOString(),
    });
    const timestamp = String(Math.floor(Date.now() / 1000));
    try {
      const { status } = await safeFetch(alert.url, {
        method: 'POST',
        body,
        timeoutMs: 10_000,
        maxBytes: 64 * 1024,
        allowHosts: this.webhooks.allowHosts,
        headers: {
          'content-type': 'application/json',
          'x-imageagent-event': 'budget_soft_limit',
          'x-imageagent-idempotency-key': alert.id,
          'x-imageagent-timestamp': timestamp,
          'x-imageagent-signature': signWebhook(secret, timestamp, body),
        },
      });
      if (status >= 200 && status < 300) return undefined;
      return { message: `receiver answered HTTP ${status}`, final: !(status === 408 || status === 429 || status >= 500) };
    } catch (err) {
      // Only the receiver's origin is kept: the URL may carry a secret.
      return { message: `${(err as Error).name}: no answer from ${new URL(alert.url).origin}`, final: (err as Error).name === 'BlockedUrlError' };
    }
  }
}
