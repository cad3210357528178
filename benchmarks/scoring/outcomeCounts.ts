/** How many cases ended in each outcome: the numbers that say how far a headline can be trusted. */

export interface OutcomeCounts {
  judged: number;
  noImage: number;
  refused: number;
  unparseable: number;
  error: number;
}

export function countOutcomes(verdicts: ReadonlyArray<{ outcome: 'judged' | 'no_image' | 'refused' | 'unparseable' | 'error' }>): OutcomeCounts {
  const counts: OutcomeCounts = { judged: 0, noImage: 0, refused: 0, unparseable: 0, error: 0 };
  for (const { outcome } of verdicts) {
    if (outcome === 'no_image') counts.noImage++;
    else counts[outcome]++;
  }
  return counts;
}

/** Cases without a judge verdict. */
export function unjudgedCount(counts: OutcomeCounts): number {
  return counts.refused + counts.unparseable + counts.error;
}
