/**
 * What an operator or auditor sees of a running generation in the Temporal UI: typed search attributes for
 * stage and round (no prompt text, no personal data), and current details as a markdown table of rounds.
 */
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { patched, setCurrentDetails, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { critiqueCounts, type Candidate } from '../../common/generation';
import type { ReviewRecord } from '../../common/review';
import { ItemsPassed, Round, Stage } from '../../common/searchAttributes';
import { UNCHANGED_SEARCH_ATTRIBUTES_SKIPPED } from '../patches';

export type RunStage =
  | 'planning'
  | 'grounding'
  | 'checklist'
  | 'awaiting_plan_review'
  | 'generating'
  | 'awaiting_review'
  | 'remembering'
  | 'reporting'
  | 'completed'
  | 'failed'
  | 'cancelled';

/**
 * Upserts the attributes whose value changes. Each upsert is a history event, and the current details are
 * refreshed at every stage, which used to upsert the same round and items again each time.
 */
export function upsertChanged(updates: SearchAttributeUpdatePair[]): void {
  if (!patched(UNCHANGED_SEARCH_ATTRIBUTES_SKIPPED)) {
    upsertSearchAttributes(updates);
    return;
  }
  const current = workflowInfo().typedSearchAttributes;
  const changed = updates.filter((u) => current.get(u.key) !== u.value);
  if (changed.length) upsertSearchAttributes(changed);
}

export function setStage(stage: RunStage): void {
  upsertChanged([{ key: Stage, value: stage }]);
}

export function recordCandidate(candidates: readonly Candidate[], stage: string, decisions: readonly ReviewRecord[] = []): void {
  const last = candidates[candidates.length - 1];
  if (last) {
    upsertChanged([{ key: Round, value: last.round }, ...(last.critique ? [{ key: ItemsPassed, value: last.critique.passed }] : [])]);
  }
  setCurrentDetails(roundsTable(candidates, stage, decisions));
}

/**
 * The rounds as an aligned table in a code block: the Temporal UI's markdown styles give table cells no
 * padding (headers ran together as "imageroundpassedfailed"), a monospaced block reads the same everywhere.
 * Unverified items are counted apart from passed ones; a round the reviewer rejected says so.
 */
function roundsTable(candidates: readonly Candidate[], stage: string, decisions: readonly ReviewRecord[] = []): string {
  const rejected = new Map(decisions.filter((d) => d.kind === 'result' && d.decision === 'reject' && d.candidateKey).map((d) => [d.candidateKey!, d]));
  const approved = new Set(decisions.filter((d) => d.kind === 'result' && d.decision === 'approve' && d.candidateKey).map((d) => d.candidateKey!));
  const header = ['image', 'round', 'passed', 'failed', 'unverified', 'review', 'object'];
  const rows = candidates.map((c) => {
    const counts = c.critique ? critiqueCounts(c.critique) : undefined;
    const review = rejected.has(c.image.key) ? 'REJECTED' : approved.has(c.image.key) ? 'approved' : '';
    // The object's last two segments (image-N/round-R.png): the run's prefix is the page's own workflow.
    return [
      String(c.imageIndex),
      String(c.round),
      counts ? `${counts.passed}/${counts.total}` : '-',
      counts ? String(counts.failed) : '-',
      counts ? String(counts.unverified) : '-',
      review,
      c.image.key.split('/').slice(-2).join('/'),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  const feedback = [...rejected.values()].filter((d) => d.feedback).map((d) => `- rejected \`${d.candidateKey}\`: ${d.feedback!.slice(0, 200)}`);
  return [
    `**Stage:** ${stage}`,
    '',
    '```',
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...(rows.length ? rows.map(line) : ['(no candidate yet)']),
    '```',
    ...(feedback.length ? ['', '**Reviewer feedback**', '', ...feedback] : []),
  ].join('\n');
}
