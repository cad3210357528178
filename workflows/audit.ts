/**
 * What an operator or auditor sees of a running generation in the Temporal UI: typed search attributes for
 * stage and round (no prompt text, no personal data), and current details as a markdown table of rounds.
 */
import { setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';
import type { Candidate } from '../common/generation';
import { ItemsPassed, Round, Stage } from '../common/searchAttributes';

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

export function setStage(stage: RunStage): void {
  upsertSearchAttributes([{ key: Stage, value: stage }]);
}

export function recordCandidate(candidates: readonly Candidate[], stage: string): void {
  const last = candidates[candidates.length - 1];
  if (last) {
    upsertSearchAttributes([{ key: Round, value: last.round }, ...(last.critique ? [{ key: ItemsPassed, value: last.critique.passed }] : [])]);
  }
  setCurrentDetails(roundsTable(candidates, stage));
}

function roundsTable(candidates: readonly Candidate[], stage: string): string {
  const rows = candidates.map(
    (c) =>
      `| ${c.imageIndex} | ${c.round} | ${c.critique ? `${c.critique.passed}/${c.critique.total}` : '–'} | ${c.critique?.verdicts.filter((v) => !v.pass).length ?? 0} | \`${c.image.key}\` |`,
  );
  return [`**Stage:** ${stage}`, '', '| image | round | passed | failed | object |', '| --- | --- | --- | --- | --- |', ...rows].join('\n');
}
