/**
 * Review links in webhook payloads: signed, expiring and single-use, they only **open** a run's review in the
 * inbox (client/api/review/reviewLinkRoutes.ts); a decision still takes a signed-in reviewer and the usual
 * signed update. A link is `<API>/review/open?link=<claims>.<mac>`: base64url JSON claims and an HMAC-SHA256
 * over them. The key is derived (HKDF) from IMAGE_AGENT_ID_KEY, which workers and the API already share and
 * webhook receivers never see (they hold only the webhook secret, so they cannot forge a link).
 */
import { createHmac, hkdfSync, timingSafeEqual, createHash } from 'node:crypto';
import { z } from 'zod';
import type { AppConfig } from '../common/config';

/** How long a link lasts when its review has no earlier deadline. */
export const REVIEW_LINK_TTL_MS = 3 * 24 * 3_600_000;

const claimsSchema = z
  .object({
    v: z.literal(1),
    /** The run (workflow id), its tenant, the gate and the candidate the link was sent for. */
    w: z.string().min(1).max(512),
    t: z.string().min(1).max(128),
    k: z.enum(['plan', 'result']),
    c: z.string().max(1024).optional(),
    /** Expiry, seconds since the epoch. */
    e: z.number().int().positive(),
    /** The link's id: the single-use key. One per webhook event, so a retried delivery sends the same link. */
    n: z.string().regex(/^[0-9a-f]{32}$/),
  })
  .strict();
export type ReviewLinkClaims = z.infer<typeof claimsSchema>;

function linkKey(config: Pick<AppConfig, 'ids'>): Buffer {
  return Buffer.from(hkdfSync('sha256', config.ids.key, 'image-agent', 'review-links v1', 32));
}

const mac = (config: Pick<AppConfig, 'ids'>, body: string) => createHmac('sha256', linkKey(config)).update(body).digest();

/** The link's id for a webhook delivery (its idempotency key): the same on every retry of that delivery. */
export function reviewLinkNonce(idempotencyKey: string): string {
  return createHash('sha256').update(`review-link:${idempotencyKey}`).digest('hex').slice(0, 32);
}

export function signReviewLink(config: Pick<AppConfig, 'ids' | 'api'>, claims: Omit<ReviewLinkClaims, 'v'>): { url: string; expiresAt: string } {
  const body = Buffer.from(JSON.stringify({ v: 1, ...claims })).toString('base64url');
  const token = `${body}.${mac(config, body).toString('base64url')}`;
  return { url: `${config.api.publicUrl}/review/open?link=${token}`, expiresAt: new Date(claims.e * 1000).toISOString() };
}

export type ReviewLinkCheck = { ok: true; claims: ReviewLinkClaims } | { ok: false; status: 400 | 410; problem: string };

/** The link's claims if its MAC holds and it has not expired; otherwise why not (nothing is trusted before the MAC). */
export function verifyReviewLink(config: Pick<AppConfig, 'ids'>, token: string, now = Date.now()): ReviewLinkCheck {
  const [body, sig, ...rest] = token.split('.');
  const bad = { ok: false as const, status: 400 as const, problem: 'this review link is not valid (it was changed, cut short, or signed with another key)' };
  if (!body || !sig || rest.length) return bad;
  const given = Buffer.from(sig, 'base64url');
  const expected = mac(config, body);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return bad;
  let parsed: ReturnType<typeof claimsSchema.safeParse>;
  try {
    parsed = claimsSchema.safeParse(JSON.parse(Buffer.from(body, 'base64url').toString('utf8')));
  } catch {
    return bad;
  }
  if (!parsed.success) return bad;
  if (parsed.data.e * 1000 <= now) {
    return { ok: false, status: 410, problem: `this review link expired at ${new Date(parsed.data.e * 1000).toISOString()}; open the inbox instead` };
  }
  return { ok: true, claims: parsed.data };
}
