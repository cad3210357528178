/**
 * The review pages' script (progressive enhancement: the pages read fully without it). Every decision goes
 * through the JSON API with the page's cookie, so the server signs and validates it exactly as any other:
 * one run's decision, or a bulk one that the server splits into one signed decision per run. Keys: j/k move,
 * x selects, a approves, r rejects, e opens the feedback box, q asks the agent, o opens the run, ? shows the keys.
 */
export const REVIEW_SCRIPT = String.raw`
const runs = () => [...document.querySelectorAll('section.run:not(.decided)')];
const headers = () => ({ 'content-type': 'application/json', 'x-requested-with': 'image-agent', 'idempotency-key': crypto.randomUUID() });
const said = (decision) => decision === 'approve' ? 'Approved.' : 'Rejected: a new round is on its way.';

// chosenKey: approve an earlier candidate of the run instead of the one under review (the run view's buttons).
async function decide(section, decision, chosenKey) {
  const out = section.querySelector('output');
  const feedback = section.querySelector('textarea').value.trim();
  const kind = section.dataset.kind;
  if (decision === 'reject' && !feedback) { out.textContent = 'Say what should change before rejecting.'; section.querySelector('textarea').focus(); return; }
  const body = kind === 'result'
    ? { decision, candidateKey: section.dataset.candidateKey, ...(feedback ? { feedback } : {}), ...(chosenKey ? { chosenKey } : {}) }
    : { decision, ...(feedback ? (decision === 'approve' ? { instructions: feedback } : { feedback }) : {}) };
  const path = '/v1/generations/' + encodeURIComponent(section.dataset.workflowId) + (kind === 'result' ? '/review' : '/plan-review');
  out.textContent = 'sending…';
  const res = await fetch(path, { method: 'POST', headers: headers(), body: JSON.stringify(body) });
  const answer = await res.json().catch(() => ({}));
  out.textContent = res.ok ? said(decision) : 'Refused: ' + (answer.error || res.status);
  if (res.ok) decided(section);
}

// An edit sends only what the reviewer changed: the prompt, the checklist, or both.
async function sendEdit(section) {
  const out = section.querySelector('output');
  const form = section.querySelector('details.edit');
  const prompt = form.querySelector('textarea[name=prompt]');
  const list = form.querySelector('textarea[name=checklist]');
  const lines = (t) => t.split('\n').map((l) => l.trim()).filter(Boolean);
  const edit = {};
  if (prompt.value.trim() !== prompt.dataset.original.trim()) edit.prompt = prompt.value.trim();
  if (lines(list.value).join('\n') !== lines(list.dataset.original).join('\n')) edit.checklist = lines(list.value);
  if (!Object.keys(edit).length) { out.textContent = 'Change the prompt or the checklist first.'; prompt.focus(); return; }
  out.textContent = 'sending…';
  const res = await fetch('/v1/generations/' + encodeURIComponent(section.dataset.workflowId) + '/review', { method: 'POST', headers: headers(), body: JSON.stringify({ decision: 'edit', candidateKey: section.dataset.candidateKey, ...edit }) });
  const answer = await res.json().catch(() => ({}));
  out.textContent = res.ok ? 'Edit sent: one render and one critique, then it waits for you again.' : 'Refused: ' + (answer.error || res.status);
  if (res.ok) decided(section);
}

// Ask the agent: the answer is added to the list as text (never markup); the run keeps waiting, so nothing is disabled.
async function ask(section) {
  const box = section.querySelector('#ask');
  const field = box.querySelector('textarea[name=question]');
  const out = box.querySelector('output');
  const question = field.value.trim();
  if (!question) { out.textContent = 'Write a question first.'; field.focus(); return; }
  out.textContent = 'asking… (one model call)';
  const res = await fetch('/v1/generations/' + encodeURIComponent(section.dataset.workflowId) + '/questions', { method: 'POST', headers: headers(), body: JSON.stringify({ question }) });
  const answer = await res.json().catch(() => ({}));
  if (!res.ok) { out.textContent = 'Not answered: ' + (answer.error || res.status); return; }
  const item = document.createElement('li');
  const line = (tag, label, text, note) => { const p = document.createElement('p'); p.className = tag; const b = document.createElement('b'); b.textContent = label; const small = document.createElement('small'); small.textContent = note; p.append(b, ' ' + text + ' ', small); return p; };
  item.append(line('q', 'Q', answer.question, answer.by + ' · ' + answer.at), line('a', 'A', answer.answer, answer.provider));
  if (answer.sources.length) {
    const list = document.createElement('ul');
    list.className = 'sources';
    for (const s of answer.sources) { const li = document.createElement('li'); const a = document.createElement('a'); a.textContent = s.title || s.url; if (/^https?:\/\//i.test(s.url)) a.href = s.url; a.target = '_blank'; a.rel = 'noopener noreferrer'; li.append(a); list.append(li); }
    item.append(list);
  }
  box.querySelector('ol.questions').append(item);
  field.value = '';
  out.textContent = 'Answered.';
  box.querySelector('.questions-left').textContent = 'one model call, no render; ' + (answer.remaining > 0 ? answer.remaining + ' questions left' : 'no questions left');
  if (answer.remaining <= 0) box.querySelector('.ask-agent').disabled = true;
}

function openAsk(section) {
  const field = section?.querySelector('#ask textarea[name=question]');
  if (field) { field.scrollIntoView({ block: 'nearest' }); field.focus(); return; }
  const link = section?.querySelector('a.open');
  if (link) location.href = link.href + '#ask';
}

function decided(section) {
  section.classList.add('decided');
  for (const b of section.querySelectorAll('button, input[type=checkbox]')) b.disabled = true;
}

for (const section of document.querySelectorAll('section.run')) {
  section.querySelector('.approve')?.addEventListener('click', () => decide(section, 'approve'));
  section.querySelector('.reject')?.addEventListener('click', () => decide(section, 'reject'));
  section.querySelector('.edit-render')?.addEventListener('click', () => sendEdit(section));
  section.querySelector('.ask-agent')?.addEventListener('click', () => ask(section));
  for (const b of section.querySelectorAll('.approve-chosen')) b.addEventListener('click', () => decide(section, 'approve', b.dataset.key));
  section.addEventListener('focusin', () => focus(section, false));
}

// Bulk: the selected runs of this page, one confirmation, one request; each run's outcome is shown on its card.
const bulk = document.querySelector('#bulk');
const selected = () => runs().filter((s) => s.querySelector('input.select')?.checked);
function countSelected() {
  if (!bulk) return;
  const n = selected().length;
  bulk.querySelector('#selected-count').textContent = n + ' selected';
  for (const b of bulk.querySelectorAll('button.bulk-decide')) b.disabled = n === 0;
}
document.querySelector('#select-all')?.addEventListener('change', (e) => {
  for (const s of runs()) { const box = s.querySelector('input.select'); if (box) box.checked = e.target.checked; }
  countSelected();
});
for (const box of document.querySelectorAll('input.select')) box.addEventListener('change', countSelected);
const confirmDialog = document.querySelector('#bulk-confirm');
let pendingBulk;
for (const b of document.querySelectorAll('button.bulk-decide')) {
  b.addEventListener('click', () => {
    const decision = b.dataset.decision;
    const feedback = document.querySelector('#bulk-feedback').value.trim();
    const out = bulk.querySelector('output');
    if (decision === 'reject' && !feedback) { out.textContent = 'Say what should change before rejecting.'; document.querySelector('#bulk-feedback').focus(); return; }
    pendingBulk = { decision, feedback, sections: selected() };
    confirmDialog.querySelector('p').textContent = (decision === 'approve' ? 'Approve ' : 'Reject ') + pendingBulk.sections.length + ' runs? Each is recorded as your own decision.';
    confirmDialog.showModal();
  });
}
confirmDialog?.addEventListener('close', async () => {
  if (confirmDialog.returnValue !== 'confirm' || !pendingBulk) return;
  const { decision, feedback, sections } = pendingBulk;
  pendingBulk = undefined;
  const out = bulk.querySelector('output');
  out.textContent = 'sending ' + sections.length + ' decisions…';
  const body = { decision, ...(feedback ? { feedback } : {}), runs: sections.map((s) => ({ workflowId: s.dataset.workflowId, gate: s.dataset.kind, ...(s.dataset.kind === 'result' ? { candidateKey: s.dataset.candidateKey } : {}) })) };
  const res = await fetch('/v1/reviews/bulk', { method: 'POST', headers: headers(), body: JSON.stringify(body) });
  const answer = await res.json().catch(() => ({}));
  if (!res.ok) { out.textContent = 'Refused: ' + (answer.error || res.status); return; }
  let ok = 0;
  for (const r of answer.results) {
    const section = sections.find((s) => s.dataset.workflowId === r.workflowId);
    if (!section) continue;
    section.querySelector('output').textContent = r.ok ? said(decision) : 'Refused: ' + r.error;
    if (r.ok) { ok++; decided(section); }
  }
  out.textContent = ok + ' of ' + answer.results.length + ' decided' + (ok < answer.results.length ? '; the others say why on their cards.' : '.');
  countSelected();
});

// Keyboard.
let current;
function focus(section, scroll = true) {
  if (!section) return;
  current?.classList.remove('focused');
  current = section;
  section.classList.add('focused');
  if (scroll) section.scrollIntoView({ block: 'nearest' });
}
const help = document.querySelector('#keys');
document.addEventListener('keydown', (e) => {
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  if (e.target.closest('textarea, input, select, dialog')) { if (e.key === 'Escape') e.target.blur(); return; }
  const list = runs();
  const at = list.indexOf(current);
  const act = {
    j: () => focus(list[Math.min(at + 1, list.length - 1)] ?? list[0]),
    k: () => focus(list[Math.max(at - 1, 0)] ?? list[0]),
    x: () => { const box = current?.querySelector('input.select'); if (box) { box.checked = !box.checked; countSelected(); } },
    a: () => current && decide(current, 'approve'),
    r: () => current && decide(current, 'reject'),
    e: () => {
      const form = current?.querySelector('details.edit');
      if (form) { openEdit(form); return; }
      const link = current?.querySelector('a.open');
      if (link && current.dataset.kind === 'result') location.href = link.href + '?edit=1';
      else current?.querySelector('textarea').focus();
    },
    q: () => openAsk(current),
    o: () => { const link = current?.querySelector('a.open'); if (link) location.href = link.href; },
    '?': () => help.open ? help.close() : help.showModal(),
  }[e.key];
  if (!act) return;
  e.preventDefault();
  act();
});
focus(runs()[0], false);
// Opened at the question form (the inbox's q key).
if (location.hash === '#ask') openAsk(document.querySelector('section.run'));
// A details element's content can take focus only once it is laid out open: focus on the next frame.
function openEdit(form) { form.open = true; requestAnimationFrame(() => form.querySelector('textarea').focus()); }
`;
