/**
 * WISE-Verified scores JSONL in the official calculator's format, one `{"prompt_id": n, "score": 0|1}`
 * per line. The calculator only understands 0/1, so cases the judge gave no verdict on are left out
 * and returned for the report; a no-image case is a genuine 0 and is written.
 */
import { isUnjudged } from '../judge/verdicts';
import { wiseCaseScore, type WiseCaseResult } from './metrics';

export interface UnwrittenPrompt {
  promptId: number;
  outcome: 'refused' | 'unparseable' | 'error';
}

export function formatWiseScores(results: readonly WiseCaseResult[]): { jsonl: string; unwritten: UnwrittenPrompt[] } {
  const lines: string[] = [];
  const unwritten: UnwrittenPrompt[] = [];
  for (const { promptId, verdict } of [...results].sort((a, b) => a.promptId - b.promptId)) {
    // The metrics' rule, so this file and the with-verdict scores agree; no score means no verdict.
    const score = wiseCaseScore(verdict);
    if (score !== undefined) lines.push(`${JSON.stringify({ prompt_id: promptId, score })}\n`);
    else if (isUnjudged(verdict)) unwritten.push({ promptId, outcome: verdict.outcome });
  }
  return { jsonl: lines.join(''), unwritten };
}
