/**
 * The review links of webhook payloads (security/reviewLinks.ts), opened in two steps, and neither decides:
 * - `GET /review/open?link=…` checks the link (MAC, expiry, unused) and shows a page with one button. It needs
 *   no sign-in: a link clicked in a chat or mail client is a cross-site navigation, which does not carry the
 *   review cookie (SameSite=Strict), and a GET must change nothing.
 * - `POST /review/open`, sent by that button from this origin with the cookie, spends the link for the signed-in
 *   reviewer of the link's tenant and redirects to the run view, where deciding is the usual signed update.
 * Another tenant's link is "no run" (404), as the run itself would be; a used link names who used it and when,
 * to a reviewer of its tenant only.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { AppConfig } from '../../../common/config';
import { crossSiteReason } from '../auth';
import { callerOf } from '../routeGuard';
import { reviewLinkBody, reviewLinkQuery } from '../routeSchemas';
import { NotFoundError } from '../../generations';
import { reviewLinkUse, useReviewLink } from '../../reviewLinkUses';
import { verifyReviewLink } from '../../../security/reviewLinks';
import { esc, page } from './html';
import { runViewPath } from './inboxPage';

// The page's URL holds the link: it is never sent to another origin as a referrer (same-origin keeps the form's Origin).
function html(reply: FastifyReply, status: number, title: string, body: string): FastifyReply {
  return reply
    .code(status)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('referrer-policy', 'same-origin')
    .send(page(title, body));
}

const refusal = (reply: FastifyReply, status: number, problem: string) =>
  html(reply, status, 'Review link refused', `<h1>Review link refused</h1><p role="alert">${esc(problem)}</p><p><a href="/review">Open the inbox</a></p>`);

/** `parse` is the server's edge validation (a 400 naming each field). */
export function registerReviewLinkRoutes(app: FastifyInstance, config: AppConfig, parse: <T>(schema: z.ZodType<T>, value: unknown, what: string) => T): void {
  app.get('/review/open', async (req, reply) => {
    const { link } = parse(reviewLinkQuery, req.query, 'query');
    const checked = verifyReviewLink(config, link);
    if (!checked.ok) return refusal(reply, checked.status, checked.problem);
    // Before sign-in, only that it was used and when: who used it is for the tenant's reviewers.
    const used = await reviewLinkUse(config.databaseUrl, checked.claims.n);
    if (used) return refusal(reply, 410, `this review link was already used, at ${used.at}; open the inbox instead`);
    const { w, k, e } = checked.claims;
    return html(
      reply,
      200,
      'Open a review',
      `<h1>A ${k} review is waiting</h1>
<p class="meta">run ${esc(w)} · this link works once, until ${esc(new Date(e * 1000).toISOString())}</p>
<form method="post" action="/review/open"><input type="hidden" name="link" value="${esc(link)}"><button>Open the review</button></form>
<p class="meta">Opening decides nothing: you approve, reject or edit in the run view, signed in as yourself. Not signed in? <a href="/review/login">Sign in</a>, then use this link again: it stays unused until it opens a review.</p>`,
    );
  });

  app.post('/review/open', async (req: FastifyRequest, reply) => {
    const crossSite = crossSiteReason(req);
    if (crossSite) return refusal(reply, 403, `opening refused: ${crossSite}`);
    const principal = callerOf(req);
    const { link } = parse(reviewLinkBody, req.body, 'review link');
    const checked = verifyReviewLink(config, link);
    if (!checked.ok) return refusal(reply, checked.status, checked.problem);
    const { w, t, n, e } = checked.claims;
    if (t !== principal.tenant) throw new NotFoundError(`no run ${w}`);
    const use = await useReviewLink(config.databaseUrl, { nonce: n, tenant: t, workflowId: w, expiresAt: new Date(e * 1000) }, principal.name);
    if (!use.used) return refusal(reply, 410, `this review link was already used by ${use.by} at ${use.at}; open the inbox instead`);
    return reply.redirect(runViewPath(w), 303);
  });
}
