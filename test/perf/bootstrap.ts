/**
 * The median of a sample with a bootstrap 95% interval (percentile method): resample with replacement, take
 * each resample's median, and read the 2.5th and 97.5th percentiles of those. With 30 triplets this says how
 * far the bench's p50 ratio could move on a rerun; p95 needs far more samples than the bench takes.
 */
import { percentile } from './percentile';

export interface Estimate {
  p50: number;
  low: number;
  high: number;
  n: number;
}

export function bootstrapMedian(sample: readonly number[], resamples = 2000, random: () => number = Math.random): Estimate {
  if (!sample.length) throw new Error('bootstrapMedian: an empty sample has no median');
  const medians: number[] = [];
  const draw: number[] = new Array<number>(sample.length);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < sample.length; i++) draw[i] = sample[Math.floor(random() * sample.length)]!;
    medians.push(percentile(draw, 50));
  }
  return { p50: percentile([...sample], 50), low: percentile(medians, 2.5), high: percentile(medians, 97.5), n: sample.length };
}

/** `1.42 [1.31–1.55]`. */
export function formatEstimate(e: Estimate, digits = 2): string {
  return `${e.p50.toFixed(digits)} [${e.low.toFixed(digits)}–${e.high.toFixed(digits)}]`;
}
