/**
 * Σ weight·value over every key of `weights`; null when any value is missing, because a published
 * weighted score (IA-score, WISE overall) over only some of its parts would not be that score.
 */
export function weightedOrNull<K extends string>(weights: Readonly<Record<K, number>>, valueOf: (key: K) => number | null | undefined): number | null {
  let sum = 0;
  for (const key of Object.keys(weights) as K[]) {
    const value = valueOf(key);
    if (value === null || value === undefined) return null;
    sum += weights[key] * value;
  }
  return sum;
}
