/**
 * Webhooks: a signed POST to the URL the request named, when review is needed and when the run ends.
 * The body is signed with HMAC-SHA256 over "<timestamp>.<body>"; the idempotency key stays the same on every
 * retry, so a receiver can drop duplicates. Temporal retries delivery; a receiver's 4xx stops it.
 * The URL comes from a caller, so it goes through the SSRF-safe fetcher.
 */
import { createHmac } from 'node:crypto';
import { REVIEW_LINK_TTL_MS, reviewLinkNonce, signReviewLink } from '../security/reviewLinks';
import { ApplicationFailure } from '@temporalio/activity';
import { FailureType } from '../common/failureTypes';
import { safeFetch } from '../providers/search/safeFetch';
import type { AgentDeps } from './agentDeps';

/** The events a run notifies its webhook of. */
export type WebhookEvent = 'review_needed' | 'review_reminder' | 'review_escalated' | 'completed' | 'cancelled';

export interface WebhookDelivery {
  /** Where the URL is kept: it may carry a secret, so it is read here rather than passed through the history. */
  webhookKey: string;
  event: WebhookEvent;
  idempotencyKey: string;
  payload: Record<string, unknown>;
}

export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export function deliverWebhookActivity(deps: Pick<AgentDeps, 'config' | 'store'>) {
  return async function deliverWebhook(delivery: WebhookDelivery): Promise<{ status: number }> {
    const secret = deps.config.webhooks.secret;
    if (!secret)
      throw ApplicationFailure.create({
        type: FailureType.InvalidInput,
        message: 'webhooks need IMAGE_AGENT_WEBHOOK_SECRET to sign deliveries',
        nonRetryable: true,
      });
    const { url } = await deps.store.getJson<{ url: string }>(delivery.webhookKey);
    const body = JSON.stringify({ event: delivery.event, idempotencyKey: delivery.idempotencyKey, ...delivery.payload, ...reviewLinks(deps.config, delivery) });
    const timestamp = String(Math.floor(Date.now() / 1000));
    let status: number;
    try {
      ({ status } = await safeFetch(url, {
        method: 'POST',
        body,
        timeoutMs: 10_000,
        maxBytes: 64 * 1024,
        allowHosts: deps.config.webhooks.allowHosts,
        headers: {
          'content-type': 'application/json',
          'x-imageagent-event': delivery.event,
          'x-imageagent-idempotency-key': delivery.idempotencyKey,
          'x-imageagent-timestamp': timestamp,
          'x-imageagent-signature': signWebhook(secret, timestamp, body),
        },
      }));
    } catch (err) {
      // The URL may carry a secret anywhere (a Slack-style path, a query token, user:password): a failure names
      // only the receiver's origin, since its message lands in the history.
      const message = withoutUrl((err as Error).message, url);
      if ((err as Error).name === 'BlockedUrlError') throw ApplicationFailure.create({ type: FailureType.InvalidInput, message, nonRetryable: true });
      throw ApplicationFailure.create({ type: FailureType.WebhookUnavailable, message, nonRetryable: false });
    }
    if (status >= 200 && status < 300) return { status };
    const retryable = status === 408 || status === 429 || status >= 500;
    throw ApplicationFailure.create({
      type: retryable ? FailureType.WebhookUnavailable : FailureType.WebhookRejected,
      message: `webhook receiver answered HTTP ${status}`,
      nonRetryable: !retryable,
    });
  };
}

const REVIEW_EVENTS: ReadonlySet<WebhookEvent> = new Set(['review_needed', 'review_reminder', 'review_escalated']);

/**
 * A review event's `links.open`: signed here, where the key is (never in the history), expiring at the review's
 * deadline or after REVIEW_LINK_TTL_MS, and single-use. It opens the inbox at the run; it decides nothing.
 */
function reviewLinks(config: AgentDeps['config'], delivery: WebhookDelivery): { links?: { open: string; expiresAt: string } } {
  if (!REVIEW_EVENTS.has(delivery.event)) return {};
  const p = delivery.payload as { workflowId?: string; tenantId?: string; pendingReview?: Record<string, unknown> } & Record<string, unknown>;
  const review = (p.pendingReview ?? p) as { kind?: unknown; candidateKey?: unknown; deadline?: unknown };
  if (typeof p.workflowId !== 'string' || typeof p.tenantId !== 'string' || (review.kind !== 'plan' && review.kind !== 'result')) return {};
  const deadline = typeof review.deadline === 'string' ? Date.parse(review.deadline) : NaN;
  const expires = Math.min(Number.isFinite(deadline) ? deadline : Infinity, Date.now() + REVIEW_LINK_TTL_MS);
  const link = signReviewLink(config, {
    w: p.workflowId,
    t: p.tenantId,
    k: review.kind,
    ...(typeof review.candidateKey === 'string' ? { c: review.candidateKey } : {}),
    e: Math.floor(expires / 1000),
    n: reviewLinkNonce(delivery.idempotencyKey),
  });
  return { links: { open: link.url, expiresAt: link.expiresAt } };
}

/**
 * The message with the webhook URL, and every other URL in it, cut to its origin. Not only the URL as the
 * caller wrote it: errors quote the normalised form (`HTTP://…` becomes `http://…`, a bare host gains a `/`,
 * characters are percent-encoded), and a redirect's location may carry a secret of its own.
 */
function withoutUrl(message: string, url: string): string {
  const originOf = (u: string): string => {
    try {
      const parsed = new URL(u);
      return parsed.origin === 'null' ? '<url>' : parsed.origin;
    } catch {
      return '<url>'; // an unparseable URL: name none of it
    }
  };
  const origin = originOf(url) === '<url>' ? '<webhook>' : originOf(url);
  const cut = message
    .split(url)
    .join(origin)
    .replace(/\b[a-z][a-z0-9+.-]*:\/\/[^\s'"<>]*/gi, originOf);
  return `webhook delivery to ${origin} failed: ${cut}`.slice(0, 1000);
}
