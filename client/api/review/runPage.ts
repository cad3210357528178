/**
 * One waiting run, everything a reviewer weighs (GET /review/runs/:id): every candidate of every round side by
 * side with its per-item verdicts and composed prompt, the checklist, the plan with the grounded answers and
 * their sources, the spend, and the time left; the same decision form as the inbox, and questions to the agent.
 */
import type { StatusView } from '../../generations';
import { verdictStatus, verdictSummary, type Candidate, type VerdictStatus } from '../../../common/generation';
import { esc, page, safeHref, usd } from './html';
import { decisionForm, KEYS_DIALOG, waitingLine } from './inboxPage';
import { REVIEW_SCRIPT } from './reviewScript';
import { MAX_REVIEW_QUESTIONS, REVIEW_TEXT_LIMITS } from '../../../common/reviewRules';

const VERDICT_MARK: Record<VerdictStatus, string> = { pass: '✔', fail: '✘', unverified: '?' };

/** `choosable`: an earlier candidate of a single-image run waiting for its result review, which an approval may deliver instead. */
function candidateFigure(v: StatusView, c: Candidate, underReview: boolean, choosable: boolean): string {
  const verdicts = (c.critique?.verdicts ?? [])
    .map((verdict) => {
      const item = v.checklist.find((i) => i.id === verdict.itemId);
      // Three values: an item no model looked at is unverified, not failed.
      const status = verdictStatus(verdict);
      return `<li class="${status}"><span aria-label="${status}">${VERDICT_MARK[status]}</span> ${esc(item?.statement ?? verdict.itemId)} <small>${esc(verdict.reason)}</small></li>`;
    })
    .join('');
  const rejected = v.decisions.find((d) => d.kind === 'result' && d.decision === 'reject' && d.candidateKey === c.image.key);
  return `<figure class="candidate${underReview ? ' under-review' : ''}" data-key="${esc(c.image.key)}">
  <a href="${esc(v.urls[c.image.key])}" target="_blank" rel="noopener"><img src="${esc(v.urls[c.image.key])}" alt="image ${c.imageIndex}, round ${c.round}" width="300"></a>
  <figcaption><b>image ${c.imageIndex} · round ${c.round}</b>${underReview ? ' · <b>under review</b>' : ''}${rejected ? ` · rejected: ${esc(rejected.feedback ?? '')}` : ''} · ${c.critique ? esc(verdictSummary(c.critique)) : 'not judged'} · ${esc(c.renderedBy.provider)}</figcaption>
  ${verdicts ? `<ul class="verdicts">${verdicts}</ul>` : ''}
  <details><summary>Composed prompt</summary><pre class="prompt">${esc(c.context.prompt)}</pre></details>
  ${choosable ? `<button type="button" class="approve-chosen" data-key="${esc(c.image.key)}">Approve this one instead</button>` : ''}
</figure>`;
}

/** Edit and re-render: the prompt and the checklist as they stand, changed in place; one render and one critique. */
function editForm(prompt: string, checklist: readonly string[], editing: boolean): string {
  return `<details class="edit" id="edit"${editing ? ' open' : ''}><summary>Edit and re-render (<kbd>e</kbd>): one render and one critique, no re-planning</summary>
  <label>Prompt <textarea name="prompt" rows="6"${editing ? ' autofocus' : ''} data-original="${esc(prompt)}">${esc(prompt)}</textarea></label>
  <label>Checklist, one statement per line <textarea name="checklist" rows="${Math.max(3, checklist.length + 1)}" data-original="${esc(checklist.join('\n'))}">${esc(checklist.join('\n'))}</textarea></label>
  <button type="button" class="edit-render">Render my edit</button>
</details>`;
}

/** Questions asked so far and their answers, with the sources each rests on. */
function questionList(v: StatusView): string {
  return v.questions
    .map((q) => {
      const sources = q.sources
        .map((s) => `<li><a href="${safeHref(s.url)}" target="_blank" rel="noopener noreferrer">${esc(s.title || s.url)}</a></li>`)
        .join('');
      return `<li><p class="q"><b>Q</b> ${esc(q.question)} <small>${esc(q.by)} · ${esc(q.at)}</small></p><p class="a"><b>A</b> ${esc(q.answer)} <small>${esc(q.provider)}</small></p>${sources ? `<ul class="sources">${sources}</ul>` : ''}</li>`;
    })
    .join('');
}

const questionsLeft = (left: number): string =>
  `one model call, no render; ${left > 0 ? `${left} of ${MAX_REVIEW_QUESTIONS} questions left` : 'no questions left'}`;

/**
 * Ask the agent (the respond action): earlier questions and answers, and while the run waits, a form whose question is
 * answered from the run's context with one model call and no render; it decides nothing.
 */
function askForm(v: StatusView): string {
  const asked = questionList(v);
  if (!v.pendingReview && !asked) return '';
  const left = MAX_REVIEW_QUESTIONS - v.questions.length;
  const form = v.pendingReview
    ? `<label>Your question <textarea name="question" rows="2" maxlength="${REVIEW_TEXT_LIMITS.question}" placeholder="Why this palette? Which source gives the height?"></textarea></label>
  <button type="button" class="ask-agent"${left <= 0 ? ' disabled' : ''}>Ask</button> <span class="meta questions-left">${questionsLeft(left)}</span>
  <output class="ask-answer" aria-live="polite"></output>`
    : '';
  return `<section class="ask" id="ask" aria-label="ask the agent"><h2>Ask the agent (<kbd>q</kbd>)</h2>
  <p class="meta">Answered from this run's plan, sources, checklist, prompts and verdicts. A question decides nothing: the run keeps waiting for you.</p>
  <ol class="questions">${asked}</ol>
  ${form}
</section>`;
}

/** `editing`: opened to edit (the inbox's e key): the edit form is open, its prompt focused. */
export function renderRunPage(v: StatusView, now: number, editing = false): string {
  const pending = v.pendingReview;
  const underReview = v.candidates.find((c) => c.image.key === pending?.candidateKey);
  const rounds = [...new Set(v.candidates.map((c) => c.round))].sort((a, b) => a - b);
  const choosing = pending?.kind === 'result' && v.current.length <= 1;
  const byRound = rounds
    .map(
      (r) =>
        `<div class="round"><h3>Round ${r}</h3>${v.candidates
          .filter((c) => c.round === r)
          .map((c) => candidateFigure(v, c, c.image.key === pending?.candidateKey, choosing && c.image.key !== pending?.candidateKey))
          .join('')}</div>`,
    )
    .join('');
  const checklist = v.checklist.map((i) => `<li>${esc(i.statement)}</li>`).join('');
  const questions = (v.plan?.questions ?? []).map((q) => `<li><b>${esc(q.route)}</b> ${esc(q.question)}</li>`).join('');
  const answers = v.answers
    .map(
      (a) =>
        `<li><b>${esc(a.route)}</b> ${esc(a.question)} — ${esc(a.status)}${a.answer ? `: ${esc(a.answer.slice(0, 600))}` : ''}<ul>${a.items
          .flatMap((i) => i.sources)
          .map((s) => `<li><a href="${safeHref(s.url)}" target="_blank" rel="noopener noreferrer">${esc(s.title || s.url)}</a></li>`)
          .join('')}</ul></li>`,
    )
    .join('');
  const spend = v.spend
    ? `<p>Spent ${usd(v.spend.settledUsd)}${v.spend.reservedUsd > 0 ? ` (+${usd(v.spend.reservedUsd)} in flight)` : ''}${v.spend.budgets?.length ? `: ${v.spend.budgets.map((b) => `${esc(b.budget)} ${usd(b.committedUsd)}${b.limitUsd !== undefined ? ` of ${usd(b.limitUsd)}` : ''}`).join(' · ')}` : ''}</p>`
    : '';
  const decided = v.decisions
    .map(
      (d) =>
        `<li>${esc(d.at)} · ${esc(d.kind)} ${esc(d.decision)}${d.chosenKey ? ` (delivered the earlier ${esc(d.chosenKey)})` : ''} by ${esc(d.reviewer)}${d.feedback ? `: ${esc(d.feedback)}` : ''}</li>`,
    )
    .join('');
  const body = `<p><a href="/review">← inbox</a></p>
<section class="run single" tabindex="-1" data-workflow-id="${esc(v.workflowId)}" data-candidate-key="${esc(pending?.candidateKey ?? '')}" data-kind="${esc(pending?.kind ?? '')}">
  <h1>${esc(v.request)}</h1>
  <p class="meta">${esc(v.workflowId)} · ${pending ? waitingLine({ ...pending, gate: pending.kind }, now) : `not waiting for a decision (${esc(v.stage)})`} · providers ${esc(v.providers)} · <a href="${esc(v.ui)}" target="_blank" rel="noopener">history</a></p>
  ${spend}
  ${pending ? decisionForm(pending.kind) : ''}
  ${
    pending?.kind === 'result' && underReview && v.current.length <= 1
      ? editForm(
          underReview.context.prompt,
          v.checklist.map((i) => i.statement),
          editing,
        )
      : ''
  }
  ${askForm(v)}
  <h2>Candidates, every round</h2>${byRound ? `<div class="rounds">${byRound}</div>` : '<p>No candidate yet: the plan is under review.</p>'}
  <h2>Checklist</h2><ol>${checklist || '<li>no checklist yet</li>'}</ol>
  <h2>Plan and grounded context</h2><ul>${questions || '<li>no missing context was planned</li>'}</ul><ul>${answers}</ul>
  ${decided ? `<h2>Decisions so far</h2><ul>${decided}</ul>` : ''}
</section>
${KEYS_DIALOG}`;
  return page(`image-agent · ${v.workflowId}`, body, REVIEW_SCRIPT);
}
