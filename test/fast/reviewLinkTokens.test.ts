/**
 * Review link tokens (security/reviewLinks.ts) without a stack: a link verifies only under the key it was signed
 * with, any change to its claims or MAC is refused, expiry is checked after the MAC, and the nonce of a delivery
 * is the same on every retry of it and different for every other delivery.
 */
import { loadConfig } from '../../config/loadConfig';
import { reviewLinkNonce, signReviewLink, verifyReviewLink } from '../../security/reviewLinks';

const config = loadConfig({
  IMAGE_AGENT_PROVIDERS: 'offline',
  IMAGE_AGENT_ID_KEY: 'links-test-id-key-0123456789',
  IMAGE_AGENT_API_PUBLIC_URL: 'https://review.example/',
});
const other = loadConfig({ IMAGE_AGENT_PROVIDERS: 'offline', IMAGE_AGENT_ID_KEY: 'another-id-key-0123456789abc' });
const claims = {
  w: 'gen-1',
  t: 'acme',
  k: 'result' as const,
  c: 'runs/gen-1/a.png',
  e: Math.floor(Date.now() / 1000) + 3600,
  n: reviewLinkNonce('gen-1:review_needed:0'),
};
const tokenOf = (url: string) => new URL(url).searchParams.get('link')!;

test('a signed link verifies to its claims, at the public URL without a doubled slash', () => {
  const { url, expiresAt } = signReviewLink(config, claims);
  expect(url.startsWith('https://review.example/review/open?link=')).toBe(true);
  expect(verifyReviewLink(config, tokenOf(url))).toEqual({ ok: true, claims: { v: 1, ...claims } });
  expect(expiresAt).toBe(new Date(claims.e * 1000).toISOString());
});

test('another key, changed claims, a changed MAC or a malformed token: 400', () => {
  const token = tokenOf(signReviewLink(config, claims).url);
  const [body, mac] = token.split('.') as [string, string];
  const forged = Buffer.from(JSON.stringify({ v: 1, ...claims, t: 'intruder' })).toString('base64url');
  for (const bad of [
    `${forged}.${mac}`,
    `${body}.${mac.slice(0, -1)}`,
    `${body}`,
    `${body}.${mac}.x`,
    '.',
    `${body}.${Buffer.alloc(32).toString('base64url')}`,
  ]) {
    expect(verifyReviewLink(config, bad)).toMatchObject({ ok: false, status: 400 });
  }
  expect(verifyReviewLink(other, token)).toMatchObject({ ok: false, status: 400 });
});

test('an expired link: 410 with when; a link signed with bad claims never verifies', () => {
  const expired = tokenOf(signReviewLink(config, { ...claims, e: Math.floor(Date.now() / 1000) - 1 }).url);
  expect(verifyReviewLink(config, expired)).toMatchObject({ ok: false, status: 410, problem: expect.stringMatching(/expired at/) });
  expect(verifyReviewLink(config, tokenOf(signReviewLink(config, { ...claims, n: 'short' }).url))).toMatchObject({ ok: false, status: 400 });
});

test('a delivery’s nonce is the same on a retry and differs between deliveries', () => {
  expect(reviewLinkNonce('w:review_needed:0')).toBe(reviewLinkNonce('w:review_needed:0'));
  expect(reviewLinkNonce('w:review_reminder:0')).not.toBe(reviewLinkNonce('w:review_needed:0'));
  expect(reviewLinkNonce('w:review_reminder:0:escalated')).not.toBe(reviewLinkNonce('w:review_reminder:0'));
});
