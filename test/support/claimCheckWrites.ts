import { claimCheckWrites } from '../../telemetry/appMetrics';

/** The claim check's writes so far in this process (its in-process workers): how many, and their time summed. */
export async function claimCheckWriteTotals(): Promise<{ writes: number; ms: number }> {
  let writes = 0;
  let ms = 0;
  for (const v of (await claimCheckWrites.get()).values) {
    if (v.metricName?.endsWith('_count')) writes += v.value;
    else if (v.metricName?.endsWith('_sum')) ms += v.value * 1000;
  }
  return { writes, ms };
}
