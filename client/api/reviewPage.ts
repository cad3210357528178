/**
 * The review page: every run of the reviewer's tenant that waits for a decision, with its candidate images,
 * plan, grounded answers and their sources, the checklist verdicts, and approve / reject-with-feedback.
 * Server-rendered; all data is escaped; the buttons call the JSON API with the page's cookie.
 */
import type { RunSummary, StatusView } from '../generations';
import { verdictStatus, verdictSummary, type VerdictStatus } from '../../common/generation';
import { formatEta } from '../queuePlace';

const VERDICT_MARK: Record<VerdictStatus, string> = { pass: '✔', fail: '✘', unverified: '?' };

const esc = (s: unknown): string => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function safeHref(url: string): string {
  return /^https?:\/\//i.test(url) ? esc(url) : '#';
}

function runCard(v: StatusView): string {
  const pending = v.pendingReview!;
  const current = v.current.length ? v.current : v.candidates.slice(-1);
  const images = current
    .map(
      (c) =>
        `<figure><img src="${esc(v.urls[c.image.key])}" alt="candidate image ${c.imageIndex}, round ${c.round}" width="384"><figcaption>image ${c.imageIndex} · round ${c.round} · ${c.critique ? `checks: ${esc(verdictSummary(c.critique))}` : 'not judged'}</figcaption></figure>`,
    )
    .join('');
  const earlier = v.candidates
    .filter((c) => !current.some((k) => k.image.key === c.image.key))
    .map(
      (c) =>
        `<a href="${esc(v.urls[c.image.key])}" target="_blank" rel="noopener"><img src="${esc(v.urls[c.image.key])}" alt="earlier candidate, round ${c.round}" width="96"></a>`,
    )
    .join('');
  const questions = (v.plan?.questions ?? []).map((q) => `<li><b>${esc(q.route)}</b> ${esc(q.question)}</li>`).join('');
  const answers = v.answers
    .map(
      (a) =>
        `<li><b>${esc(a.route)}</b> ${esc(a.question)} — ${esc(a.status)}${a.answer ? `: ${esc(a.answer.slice(0, 300))}` : ''}<ul>${a.items
          .flatMap((i) => i.sources)
          .map((s) => `<li><a href="${safeHref(s.url)}" target="_blank" rel="noopener noreferrer">${esc(s.title || s.url)}</a></li>`)
          .join('')}</ul></li>`,
    )
    .join('');
  const last = current[0];
  const verdicts = (last?.critique?.verdicts ?? [])
    .map((verdict) => {
      const item = v.checklist.find((c) => c.id === verdict.itemId);
      // Three values: an item no model looked at is unverified, not failed.
      const status = verdictStatus(verdict);
      return `<li class="${status}">${VERDICT_MARK[status]} ${esc(item?.statement ?? verdict.itemId)} <small>${esc(verdict.reason)}</small></li>`;
    })
    .join('');
  const kind = pending.kind;
  return `<section class="run" data-workflow-id="${esc(v.workflowId)}" data-candidate-key="${esc(pending.candidateKey ?? '')}" data-kind="${kind}">
  <h2>${esc(v.request)}</h2>
  <p class="meta">${esc(v.workflowId)} · waiting for a ${kind} decision since ${esc(pending.since)}${pending.deadline ? ` · until ${esc(pending.deadline)}, then ${esc(pending.onTimeout)}` : ''} · providers ${esc(v.providers)}${v.spend ? ` · spent $${v.spend.settledUsd.toFixed(4)}${v.spend.reservedUsd > 0 ? ` (+$${v.spend.reservedUsd.toFixed(4)} in flight)` : ''}` : ''} · <a href="${esc(v.ui)}" target="_blank" rel="noopener">history</a></p>
  ${kind === 'result' ? `<div class="images">${images}</div>${earlier ? `<p>Earlier candidates: ${earlier}</p>` : ''}` : ''}
  <details open><summary>Plan and grounded context</summary><ul>${questions || '<li>no missing context was planned</li>'}</ul><ul>${answers}</ul></details>
  ${verdicts ? `<details open><summary>Checklist</summary><ul class="verdicts">${verdicts}</ul></details>` : ''}
  <form class="decision">
    <textarea name="feedback" rows="2" placeholder="${kind === 'result' ? 'What should change? (required to reject)' : 'Instructions or reasons'}"></textarea>
    <button type="button" class="approve">Approve</button>
    <button type="button" class="reject">Reject${kind === 'result' ? ' with feedback' : ''}</button>
    <output></output>
  </form>
</section>`;
}

/** `unanswered`: runs waiting for review whose status no worker answered in time (listed, not decidable here). */
export function renderReviewPage(tenant: string, views: StatusView[], unanswered: readonly RunSummary[] = [], queued: readonly StatusView[] = []): string {
  const pending = views.filter((v) => v.pendingReview);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>image-agent · reviews for ${esc(tenant)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font-family:system-ui,DejaVu Sans,sans-serif;margin:2rem;max-width:70rem;color:#1d1d1f}
h1{font-size:1.4rem} h2{font-size:1.1rem;margin:.2rem 0}
.run,.unanswered{border:1px solid #ccc;border-radius:.6rem;padding:1rem;margin:1rem 0}
.meta{color:#666;font-size:.85rem} .images{display:flex;gap:1rem;flex-wrap:wrap}
figure{margin:0} figcaption{font-size:.8rem;color:#444}
.pass{color:#136f2d} .fail{color:#a40e26} .unverified{color:#6b5b00} textarea{width:100%;box-sizing:border-box}
button{margin:.4rem .4rem 0 0;padding:.4rem 1rem} output{margin-left:.5rem}
</style></head>
<body>
<h1>Pending reviews · tenant ${esc(tenant)}</h1>
${pending.length ? pending.map(runCard).join('\n') : unanswered.length ? '' : '<p id="empty">Nothing is waiting for review.</p>'}
${unanswered.length ? unansweredList(unanswered) : ''}
${queued.length ? queuedList(queued) : ''}
<script>
for (const section of document.querySelectorAll('.run')) {
  const out = section.querySelector('output');
  const send = async (decision) => {
    const feedback = section.querySelector('textarea').value.trim();
    const kind = section.dataset.kind;
    if (decision === 'reject' && !feedback) { out.textContent = 'Say what should change before rejecting.'; return; }
    const body = kind === 'result'
      ? { decision, candidateKey: section.dataset.candidateKey, ...(feedback ? { feedback } : {}) }
      : { decision, ...(feedback ? (decision === 'approve' ? { instructions: feedback } : { feedback }) : {}) };
    const path = '/v1/generations/' + encodeURIComponent(section.dataset.workflowId) + (kind === 'result' ? '/review' : '/plan-review');
    out.textContent = 'sending…';
    const res = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json', 'x-requested-with': 'image-agent', 'idempotency-key': crypto.randomUUID() }, body: JSON.stringify(body) });
    const answer = await res.json().catch(() => ({}));
    out.textContent = res.ok ? (decision === 'approve' ? 'Approved.' : 'Rejected: a new round is on its way.') : 'Refused: ' + (answer.error || res.status);
    if (res.ok) section.classList.add('decided');
  };
  section.querySelector('.approve').addEventListener('click', () => send('approve'));
  section.querySelector('.reject').addEventListener('click', () => send('reject'));
}
</script>
</body></html>`;
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

function unansweredList(runs: readonly RunSummary[]): string {
  const items = runs.map(
    (r) =>
      `<li data-workflow-id="${esc(r.workflowId)}"><code>${esc(r.workflowId)}</code>${r.stage ? ` · ${esc(r.stage)}` : ''} · started ${esc(r.startTime)}</li>`,
  );
  return `<section id="unanswered" class="unanswered">
  <h2>Waiting, but no worker answered</h2>
  <p class="meta">These runs are waiting for review, but no worker answered for them within a few seconds (workers stopped, or a deploy in progress). Nothing is lost: their reviews stay open. Reload when the workers are back.</p>
  <ul>${items.join('')}</ul>
</section>`;
}
