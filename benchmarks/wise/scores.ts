/**
 * WISE-Verified scores JSONL exactly as the official calculator reads it: one `{"prompt_id": n, "score": 0|1}`
 * line for every prompt of the run, sorted by id. The calculator refuses an overall when any id is missing, so
 * a case without a verdict of its own (judge error, refusal, unparseable answer, missing image) is written
 * as 0, the same 0 our headline counts, and its reason goes to `unjudged.jsonl` and the report.
 */
import { verdictReason } from '../judge/verdictReason';
import type { WiseCaseResult } from './metrics';

export interface UnjudgedPrompt {
  promptId: number;
  outcome: 'no_image' | 'refused' | 'unparseable' | 'error';
  reason: string;
}

export interface WiseScoreFiles {
  /** scores.jsonl */
  jsonl: string;
  /** The prompts written as 0 without a verdict of their own, sorted by id. */
  unjudged: UnjudgedPrompt[];
  /** unjudged.jsonl: `{"prompt_id", "outcome", "reason"}` per line. */
  unjudgedJsonl: string;
}

export function formatWiseScores(results: readonly WiseCaseResult[]): WiseScoreFiles {
  const lines: string[] = [];
  const unjudged: UnjudgedPrompt[] = [];
  for (const { promptId, verdict } of [...results].sort((a, b) => a.promptId - b.promptId)) {
    lines.push(`${JSON.stringify({ prompt_id: promptId, score: verdict.outcome === 'judged' ? verdict.score : 0 })}\n`);
    if (verdict.outcome !== 'judged') unjudged.push({ promptId, outcome: verdict.outcome, reason: verdictReason(verdict) });
  }
  return {
    jsonl: lines.join(''),
    unjudged,
    unjudgedJsonl: unjudged.map((u) => `${JSON.stringify({ prompt_id: u.promptId, outcome: u.outcome, reason: u.reason })}\n`).join(''),
  };
}
