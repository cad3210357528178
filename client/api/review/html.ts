/** What the review pages share: escaping, safe links, the time left before a deadline, and the page shell. */

export const esc = (s: unknown): string =>
  String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Only http(s) links are links: a source's URL came from the web, and `javascript:` must never be clickable. */
export function safeHref(url: string): string {
  return /^https?:\/\//i.test(url) ? esc(url) : '#';
}

/** "2 h 5 min left", "12 min left", "overdue": what a reviewer needs to pick the next run. */
export function timeLeft(deadline: string | undefined, now: number): string {
  if (!deadline) return 'no deadline';
  const ms = Date.parse(deadline) - now;
  if (ms <= 0) return 'overdue';
  const min = Math.floor(ms / 60_000);
  if (min < 1) return 'under a minute left';
  if (min < 60) return `${min} min left`;
  const h = Math.floor(min / 60);
  return h < 48 ? `${h} h ${min % 60} min left` : `${Math.floor(h / 24)} days left`;
}

export function usd(v: number): string {
  return `$${v.toFixed(4)}`;
}

const STYLE = `
:root{--fg:#1d1d1f;--muted:#595959;--line:#c8c8c8;--focus:#0b57d0}
*{box-sizing:border-box}
body{font-family:system-ui,DejaVu Sans,sans-serif;margin:1rem auto;padding:0 1rem;max-width:78rem;color:var(--fg)}
h1{font-size:1.4rem} h2{font-size:1.05rem;margin:.2rem 0} h3{font-size:1rem;margin:.8rem 0 .3rem}
a{color:#0b57d0}
.run,.unanswered{border:1px solid var(--line);border-radius:.6rem;padding:.8rem;margin:.8rem 0}
.run.focused{outline:3px solid var(--focus);outline-offset:2px}
.run.decided{opacity:.55}
.run.single{border:none;padding:0}.run.single.focused{outline:none}
.meta{color:var(--muted);font-size:.85rem}
.images{display:flex;gap:.8rem;flex-wrap:wrap}
.rounds{display:flex;gap:.8rem;overflow-x:auto;align-items:start;padding-bottom:.4rem}
.round{display:flex;flex-direction:column;gap:.5rem}
figure{margin:0;max-width:100%} figure img{max-width:100%;height:auto;border-radius:.3rem}
figcaption{font-size:.8rem;color:#404040}
.pass{color:#136f2d} .fail{color:#a40e26} .unverified{color:#6b5b00}
.overdue{color:#a40e26;font-weight:600}
.flag{display:inline-block;margin-left:.3rem;padding:0 .4rem;border-radius:.3rem;font-size:.8rem;background:#fff4ce;color:#5c4400} .flag.escalated{background:#fde7e9;color:#7a0b1c}
textarea{width:100%}
button{margin:.4rem .4rem 0 0;padding:.4rem 1rem;min-height:2.2rem}
output{margin-left:.5rem}
.filters{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:end;margin:.5rem 0}
.filters label{display:flex;flex-direction:column;font-size:.85rem}
.bulk{position:sticky;top:0;background:#fff;border-bottom:1px solid var(--line);padding:.4rem 0;z-index:1}
.row-head{display:flex;gap:.6rem;align-items:start}
.row-head input[type=checkbox]{width:1.3rem;height:1.3rem;margin-top:.2rem}
.candidate{border:1px solid var(--line);border-radius:.4rem;padding:.5rem;width:20rem;max-width:100%}
.candidate.under-review{border:2px solid var(--focus)}
.candidate ul{padding-left:1.1rem;margin:.3rem 0;font-size:.85rem}
.ask{border-top:1px solid var(--line);margin:.8rem 0;padding-top:.4rem} .ask ol.questions p{margin:.2rem 0} .ask p.a{white-space:pre-wrap}
pre.prompt{white-space:pre-wrap;background:#f5f5f5;padding:.5rem;border-radius:.3rem;font-size:.85rem}
dialog{max-width:34rem}
kbd{border:1px solid var(--line);border-radius:.2rem;padding:0 .3rem;font-size:.85rem}
@media (max-width:40rem){body{padding:0 .5rem}.candidate{width:100%}button{width:100%}}
`;

/** A complete page: one stylesheet, the page's own script last so the elements it binds exist. */
export function page(title: string, body: string, script = ''): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>${STYLE}</style></head>
<body>
${body}
${script ? `<script>${script}</script>` : ''}
</body></html>`;
}
