/** A finished run, readable in a terminal: plan, grounded context with sources, rounds and verdicts, where the image is. */
import { verdictStatus, verdictSummary } from '../common/generation';
import type { GenerateImageResult } from '../common/runResult';

export function formatRun(result: GenerateImageResult, links: { copies: { file: string; url: string }[]; ui?: string; bucket: string }): string {
  const out: string[] = [];
  const offline = result.providers === 'offline';
  out.push(
    offline
      ? 'providers  OFFLINE (rule-based planner, local corpus, layout renderer; no model was called — set OPENAI_API_KEY or OPENAI_BASE_URL for real models)'
      : 'providers  openai-compatible endpoint',
  );
  if (result.ablations.direct) out.push('mode       direct: the image model alone, no agent');
  const ablated = Object.entries(result.ablations)
    .filter(([k, v]) => v && k !== 'direct')
    .map(([k]) => k);
  if (ablated.length) out.push(`ablations  ${ablated.join(', ')}`);

  if (result.plan) {
    out.push('', `plan       ${result.plan.intent}`);
    if (!result.plan.questions.length) out.push('           no missing context found');
    for (const q of result.plan.questions) out.push(`  ${q.id} [${q.route}]${q.dependsOn.length ? ` after ${q.dependsOn.join(',')}` : ''} ${q.question}`);
    if (result.plan.images.length > 1)
      out.push(
        `  ${result.plan.images.length} images: ${result.plan.images.map((i) => `${i.id}${i.dependsOn.length ? `←${i.dependsOn.join(',')}` : ''}`).join(', ')}`,
      );
  }
  if (result.answers.length) {
    out.push('', 'grounded context');
    for (const a of result.answers) {
      out.push(`  ${a.questionId} [${a.route} via ${a.via}] ${a.status}${a.note && a.status !== 'answered' ? ` (${a.note})` : ''}`);
      if (a.relevance?.dropped.length) {
        out.push(`     relevance gate (${a.relevance.method}, threshold ${a.relevance.threshold}) dropped ${a.relevance.dropped.length}:`);
        for (const d of a.relevance.dropped.slice(0, 4)) out.push(`     x ${d.label}: ${oneLine(d.reason, 120)}`);
      }
      if (a.answer) out.push(`     ${oneLine(a.answer, 160)}`);
      for (const item of a.items.slice(0, 4)) {
        out.push(`     - ${oneLine(item.text, 140)}`);
        for (const s of item.sources) out.push(`       source: ${s.url}`);
      }
    }
  }
  if (result.memory) {
    const p = result.memory.profile;
    const facts = [p.profession, p.preferredStyle && `style: ${p.preferredStyle}`, p.dislikes?.length && `dislikes: ${p.dislikes.join(', ')}`].filter(Boolean);
    out.push(
      '',
      `memory     profile: ${facts.length ? facts.join('; ') : 'nothing known yet'}; ${result.memory.turns.length} earlier turn(s), ${result.memory.knowledge.length} knowledge item(s)`,
    );
  }
  if (result.checklist.length) {
    out.push('', 'checklist');
    for (const c of result.checklist) out.push(`  ${c.id}${c.imageId ? ` (${c.imageId})` : ''} ${c.statement}`);
  }
  for (const image of result.images) {
    out.push(
      '',
      `image ${image.imageIndex}${result.images.length > 1 ? ` (${image.imageId})` : ''}: ${image.candidates.length} round(s), stopped: ${image.stoppedBecause === 'unverified' ? 'nothing failed, but items are unverified (no model looked at the image)' : image.stoppedBecause.replace(/_/g, ' ')}`,
    );
    for (const c of image.candidates) {
      const score = c.critique ? verdictSummary(c.critique) : 'not judged';
      out.push(`  round ${c.round}: ${score}${c === image.final || c.image.key === image.final.image.key ? '  ← chosen' : ''}`);
      out.push(`     prompt: ${oneLine(c.context.prompt, 200)}`);
      if (c.image.warning) out.push(`     WARNING: ${c.image.warning}`);
      for (const v of c.critique?.verdicts ?? []) out.push(`     ${verdictLabel(v)} ${v.itemId}: ${oneLine(v.reason, 120)}`);
    }
  }
  if (result.decisions.length) {
    out.push('', 'review');
    for (const d of result.decisions)
      out.push(`  ${d.at} ${d.kind} ${d.decision} by ${d.reviewer} (${d.via})${d.feedback ? `: ${oneLine(d.feedback, 120)}` : ''}`);
  }
  out.push('', `outcome    ${result.outcome}${result.approval !== 'not_required' ? ` (approval: ${result.approval})` : ''}`);
  const u = result.usage;
  out.push('', `usage      ${u.calls} model call(s), ${u.inputTokens} input / ${u.outputTokens} output tokens, ${u.images} image(s)`);
  out.push(`timings    ${result.timings.map((t) => `${t.stage} ${(t.durationMs / 1000).toFixed(1)}s`).join(', ')}`);
  result.images.forEach((image, i) => {
    const final = image.final.image;
    out.push('', `final      s3://${final.bucket}/${final.key} (${final.width}x${final.height})${result.images.length > 1 ? ` [${image.imageId}]` : ''}`);
    const copy = links.copies[i];
    if (copy) out.push(`copy       ${copy.file}`, `url        ${copy.url}`);
  });
  if (result.reportKey) out.push(`report     s3://${links.bucket}/${result.reportKey}`);
  if (links.ui) out.push(`Temporal   ${links.ui}`);
  return out.join('\n');
}

function oneLine(text: string, max: number): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

/** How a verdict reads in the CLI: a failure stands out, and an item nobody looked at is never called a pass or a failure. */
export function verdictLabel(v: Parameters<typeof verdictStatus>[0]): string {
  return ({ pass: 'pass', fail: 'FAIL', unverified: 'unverified' } as const)[verdictStatus(v)];
}
