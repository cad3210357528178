/**
 * The reviewer's inbox (GET /review): the tenant's runs waiting for a decision, filtered, sorted by deadline and
 * paged (client/reviewInbox.ts), each with its candidate, request, checks, spend and time left; single and bulk
 * decisions, and the keyboard. Server-rendered; all data is escaped; the script only adds the actions.
 */
import type { InboxEntry, InboxFilter, InboxPage } from '../../reviewInbox';
import type { RunSummary, StatusView } from '../../generations';
import { verdictSummary } from '../../../common/generation';
import { formatEta } from '../../queuePlace';
import { esc, page, timeLeft, usd } from './html';
import { REVIEW_SCRIPT } from './reviewScript';

export interface InboxView {
  tenant: string;
  filter: InboxFilter;
  inbox: InboxPage;
  /** Each entry's status, or undefined when no worker answered for it in time. */
  statuses: ReadonlyMap<string, StatusView>;
  queued: readonly StatusView[];
  now: number;
}

export const runViewPath = (workflowId: string): string => `/review/runs/${encodeURIComponent(workflowId)}`;

/** The decision form of one run (its card in the inbox, or the run view). */
export function decisionForm(kind: 'plan' | 'result'): string {
  return `<div class="decision">
    <label>Feedback <textarea name="feedback" rows="2" placeholder="${kind === 'result' ? 'What should change? (required to reject)' : 'Instructions or reasons'}"></textarea></label>
    <button type="button" class="approve">Approve</button>
    <button type="button" class="reject">Reject${kind === 'result' ? ' with feedback' : ''}</button>
    <output aria-live="polite"></output>
  </div>`;
}

type WaitFields = 'gate' | 'since' | 'deadline' | 'onTimeout' | 'remindedAt' | 'escalatesTo' | 'escalatedTo';

export function waitingLine(e: Pick<InboxEntry, WaitFields>, now: number): string {
  const left = timeLeft(e.deadline, now);
  const then = e.escalatesTo ? `escalated to ${e.escalatesTo.join(', ')}` : e.onTimeout;
  const flags = [
    e.escalatedTo ? `<span class="flag escalated">escalated: only ${esc(e.escalatedTo.join(', '))} may decide</span>` : '',
    e.remindedAt ? `<span class="flag reminded" title="reminded at ${esc(e.remindedAt)}">reminded</span>` : '',
  ].join('');
  return `waiting for a ${e.gate} decision since ${esc(e.since)} · <span class="${left === 'overdue' ? 'overdue' : ''}">${esc(left)}</span>${e.deadline ? `, then ${esc(then)}` : ''}${flags ? ` ${flags}` : ''}`;
}

function card(e: InboxEntry, v: StatusView, now: number): string {
  const current = v.current.length ? v.current : v.candidates.slice(-1);
  const images =
    e.gate === 'result'
      ? current
          .map(
            (c) =>
              `<figure><img src="${esc(v.urls[c.image.key])}" alt="candidate image ${c.imageIndex}, round ${c.round}" width="256"><figcaption>image ${c.imageIndex} · round ${c.round} · ${c.critique ? `checks: ${esc(verdictSummary(c.critique))}` : 'not judged'}</figcaption></figure>`,
          )
          .join('')
      : '';
  const spend = v.spend ? ` · spent ${usd(v.spend.settledUsd)}${v.spend.reservedUsd > 0 ? ` (+${usd(v.spend.reservedUsd)} in flight)` : ''}` : '';
  const rounds = new Set(v.candidates.map((c) => c.round)).size;
  return `<section class="run" tabindex="-1" data-workflow-id="${esc(e.workflowId)}" data-candidate-key="${esc(e.candidateKey ?? v.pendingReview?.candidateKey ?? '')}" data-kind="${e.gate}" data-deadline="${esc(e.deadline ?? '')}">
  <div class="row-head"><input type="checkbox" class="select" aria-label="select ${esc(e.workflowId)}">
  <div><h2>${esc(v.request)}</h2>
  <p class="meta">${esc(e.workflowId)} · ${waitingLine(e, now)} · providers ${esc(v.providers)}${e.batch ? ` · batch ${esc(e.batch)}` : ''}${spend} · ${rounds} round${rounds === 1 ? '' : 's'} · <a class="open" href="${runViewPath(e.workflowId)}">open: every round, checklist, sources</a> · <a href="${esc(v.ui)}" target="_blank" rel="noopener">history</a></p></div></div>
  ${images ? `<div class="images">${images}</div>` : ''}
  ${decisionForm(e.gate)}
</section>`;
}

function filters(f: InboxFilter): string {
  const opt = (value: string, label: string, chosen: string | undefined) => `<option value="${value}"${chosen === value ? ' selected' : ''}>${label}</option>`;
  return `<form class="filters" method="get" action="/review" aria-label="filters">
  <label>Gate <select name="gate">${opt('', 'any', f.gate ?? '')}${opt('plan', 'plan', f.gate)}${opt('result', 'result', f.gate)}</select></label>
  <label>User <input name="user" value="${esc(f.user ?? '')}" size="12"></label>
  <label>Batch <input name="batch" value="${esc(f.batch ?? '')}" size="12"></label>
  <label>Provider <input name="provider" value="${esc(f.provider ?? '')}" size="10"></label>
  <label>Waiting at least (min) <input name="waitingMinutes" type="number" min="0" value="${esc(f.waitingMinutes ?? '')}" size="5"></label>
  <label>At the deadline <select name="onTimeout">${opt('', 'any', f.onTimeout ?? '')}${opt('reject', 'reject', f.onTimeout)}${opt('expire', 'expire', f.onTimeout)}${opt('approve_best', 'approve best', f.onTimeout)}</select></label>
  <label>Flag <select name="flag">${opt('', 'any', f.flag ?? '')}${opt('reminded', 'reminded', f.flag)}${opt('escalated', 'escalated', f.flag)}</select></label>
  <button>Filter</button> <a href="/review">clear</a>
</form>`;
}

function pager(f: InboxFilter, p: InboxPage): string {
  const link = (n: number, label: string) => {
    const q = new URLSearchParams(
      Object.entries({ ...f, page: n }).flatMap(([k, v]) => (v === undefined || v === '' ? [] : [[k, String(v)] as [string, string]])),
    );
    return `<a href="/review?${esc(q.toString())}" rel="${label === 'next' ? 'next' : 'prev'}">${label}</a>`;
  };
  return `<nav class="meta" aria-label="pages">page ${p.page} of ${p.pages} · ${p.total} waiting${p.truncated ? ' (the first runs read; narrow the filter to see the rest)' : ''}, earliest deadline first${p.page > 1 ? ` · ${link(p.page - 1, 'previous')}` : ''}${p.page < p.pages ? ` · ${link(p.page + 1, 'next')}` : ''}</nav>`;
}

const BULK_BAR = `<div id="bulk" class="bulk">
  <label><input type="checkbox" id="select-all"> select all on this page</label> <span id="selected-count">0 selected</span>
  <label>Feedback for all <input id="bulk-feedback" size="30"></label>
  <button type="button" class="bulk-decide" data-decision="approve" disabled>Approve selected</button>
  <button type="button" class="bulk-decide" data-decision="reject" disabled>Reject selected</button>
  <output aria-live="polite"></output> <span class="meta">Press <kbd>?</kbd> for keys</span>
</div>
<dialog id="bulk-confirm"><form method="dialog"><p></p><button value="confirm">Confirm</button><button value="cancel">Cancel</button></form></dialog>`;

export const KEYS_DIALOG = `<dialog id="keys" aria-label="keyboard shortcuts"><form method="dialog"><h2>Keys</h2><ul>
<li><kbd>j</kbd> / <kbd>k</kbd> next / previous run</li><li><kbd>x</kbd> select for a bulk decision</li>
<li><kbd>a</kbd> approve</li><li><kbd>r</kbd> reject (with the feedback written)</li><li><kbd>e</kbd> edit the prompt or checklist and re-render</li>
<li><kbd>q</kbd> ask the agent about the run (answered from its context, no render)</li><li><kbd>o</kbd> open the run: every round, checklist, sources</li><li><kbd>?</kbd> this help; <kbd>Esc</kbd> closes it</li></ul><button>Close</button></form></dialog>`;

export function renderInboxPage(v: InboxView): string {
  const cards = v.inbox.entries.flatMap((e) => {
    const s = v.statuses.get(e.workflowId);
    return s?.pendingReview ? [card(e, s, v.now)] : [];
  });
  const unanswered = v.inbox.entries.filter((e) => !v.statuses.has(e.workflowId));
  const body = `<header><h1>Reviews · tenant ${esc(v.tenant)}</h1>${filters(v.filter)}${pager(v.filter, v.inbox)}</header>
<main>
${cards.length ? BULK_BAR : ''}
${cards.length ? cards.join('\n') : unanswered.length ? '' : '<p id="empty">Nothing is waiting for review.</p>'}
${unanswered.length ? unansweredList(unanswered) : ''}
${v.queued.length ? queuedList(v.queued) : ''}
</main>
${KEYS_DIALOG}`;
  return page(`image-agent · reviews for ${v.tenant}`, body, REVIEW_SCRIPT);
}

function queuedList(runs: readonly StatusView[]): string {
  const items = runs.map((r) => {
    const q = r.queue!;
    const eta = q.etaSeconds !== undefined ? `about ${formatEta(q.etaSeconds)}` : 'no estimate yet';
    return `<li data-workflow-id="${esc(r.workflowId)}"><code>${esc(r.workflowId)}</code> · #${q.position} of the tenant's waiting runs · ${q.aheadOnQueue} ahead on its queue · ${eta}</li>`;
  });
  return `<section id="queued" class="unanswered">
  <h2>Waiting for a worker</h2>
  <p class="meta">Started, but no worker has picked them up yet. The estimate is the tenant's runs ahead over how fast its runs on that queue (or the whole queue's, when none of its own did) finished in the last ten minutes.</p>
  <ul>${items.join('')}</ul>
</section>`;
}

function unansweredList(runs: readonly Pick<RunSummary, 'workflowId' | 'startTime'>[]): string {
  const items = runs.map((r) => `<li data-workflow-id="${esc(r.workflowId)}"><code>${esc(r.workflowId)}</code> · started ${esc(r.startTime)}</li>`);
  return `<section id="unanswered" class="unanswered">
  <h2>Waiting, but no worker answered</h2>
  <p class="meta">These runs are waiting for review, but no worker answered for them within a few seconds (workers stopped, or a deploy in progress). Nothing is lost: their reviews stay open. Reload when the workers are back.</p>
  <ul>${items.join('')}</ul>
</section>`;
}
