/**
 * Cohen's kappa for two raters' yes/no decisions on the same items: agreement beyond what their own base rates
 * would give by chance, κ = (pₒ − pₑ) / (1 − pₑ). Null when there is nothing to rate, or when chance agreement is
 * already total (both raters gave one and the same label throughout), where κ is undefined.
 */
export interface KappaResult {
  decisions: number;
  agreements: number;
  observed: number | null;
  expected: number | null;
  kappa: number | null;
}

export function cohensKappa(pairs: ReadonlyArray<readonly [boolean, boolean]>): KappaResult {
  const n = pairs.length;
  if (n === 0) return { decisions: 0, agreements: 0, observed: null, expected: null, kappa: null };
  const agreements = pairs.filter(([a, b]) => a === b).length;
  const aYes = pairs.filter(([a]) => a).length / n;
  const bYes = pairs.filter(([, b]) => b).length / n;
  const observed = agreements / n;
  const expected = aYes * bYes + (1 - aYes) * (1 - bYes);
  return { decisions: n, agreements, observed, expected, kappa: expected === 1 ? null : (observed - expected) / (1 - expected) };
}
