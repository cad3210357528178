/**
 * WISE-Verified scores JSONL in the official calculator's format, one `{"prompt_id": n, "score": 0|1}`
 * per line. The calculator only understands 0/1, so cases the judge gave no verdict on are left out
 * and returned for the report; a no-image case is a genuine 0 and is written.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { isUnjudged } from '../judge/verdicts';
import type { WiseCaseResult } from './metrics';

export interface UnwrittenPrompt {
  promptId: number;
  outcome: 'refused' | 'unparseable' | 'error';
}

export function formatWiseScores(results: readonly WiseCaseResult[]): { jsonl: string; unwritten: UnwrittenPrompt[] } {
  const lines: string[] = [];
  const unwritten: UnwrittenPrompt[] = [];
  for (const r of [...results].sort((a, b) => a.promptId - b.promptId)) {
    const { verdict } = r;
    if (isUnjudged(verdict)) unwritten.push({ promptId: r.promptId, outcome: verdict.outcome });
    else lines.push(`${JSON.stringify({ prompt_id: r.promptId, score: verdict.outcome === 'judged' ? verdict.score : 0 })}\n`);
  }
  return { jsonl: lines.join(''), unwritten };
}

export async function writeWiseScores(file: string, results: readonly WiseCaseResult[]): Promise<{ written: number; unwritten: UnwrittenPrompt[] }> {
  const { jsonl, unwritten } = formatWiseScores(results);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, jsonl);
  return { written: results.length - unwritten.length, unwritten };
}
