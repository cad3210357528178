/**
 * The WISE-Verified calculator's arithmetic, written again from its documented rules and deliberately sharing
 * no code with benchmarks/: it reads a scores JSONL of `{"prompt_id", "score"}` lines, refuses an overall
 * unless every prompt id from 1 to 1000 is present, takes the mean score of each category's id range and
 * weighs them 0.40 (Culture) and 0.12 each (Time, Space, Biology, Physics, Chemistry).
 */
const RANGES: ReadonlyArray<readonly [string, number, number, number]> = [
  ['Culture', 1, 400, 0.4],
  ['Time', 401, 520, 0.12],
  ['Space', 521, 640, 0.12],
  ['Biology', 641, 760, 0.12],
  ['Physics', 761, 880, 0.12],
  ['Chemistry', 881, 1000, 0.12],
];

export interface OfficialWiseResult {
  categories: Record<string, number>;
  overall: number;
}

export function officialWiseCalculator(scoresJsonl: string): OfficialWiseResult {
  const scores = new Map<number, number>();
  for (const line of scoresJsonl.split('\n')) {
    if (line.trim() === '') continue;
    const row = JSON.parse(line) as { prompt_id: unknown; score: unknown };
    if (typeof row.prompt_id !== 'number' || (row.score !== 0 && row.score !== 1)) throw new Error(`bad line: ${line}`);
    scores.set(row.prompt_id, row.score);
  }
  const missing: number[] = [];
  for (let id = 1; id <= 1000; id++) if (!scores.has(id)) missing.push(id);
  if (missing.length > 0)
    throw new Error(`missing prompt ids: ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ', …' : ''} (${missing.length} in all)`);
  const categories: Record<string, number> = {};
  let overall = 0;
  for (const [name, from, to, weight] of RANGES) {
    let sum = 0;
    for (let id = from; id <= to; id++) sum += scores.get(id)!;
    categories[name] = sum / (to - from + 1);
    overall += weight * categories[name]!;
  }
  return { categories, overall };
}
