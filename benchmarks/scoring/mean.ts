/** Arithmetic mean; null for no values, so an empty group is never reported as 0. */
export function mean(values: readonly number[]): number | null {
  return values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;
}
