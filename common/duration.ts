/**
 * Durations as people write them ("90 seconds", "24 hours", "2d", "1500ms"), parsed the way Temporal's
 * own duration strings are. Pure: workflows use it to size timers and outage windows.
 */
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export const DURATION_PATTERN = /^(\d+(?:\.\d+)?)\s*(ms|milliseconds?|s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?)$/i;

function unitOf(word: string): string {
  const w = word.toLowerCase();
  if (w === 'ms' || w.startsWith('millisecond')) return 'ms';
  return w[0]!;
}

export function durationMs(text: string): number {
  const m = DURATION_PATTERN.exec(text.trim());
  if (!m) throw new TypeError(`not a duration: "${text}" (say "90 seconds" or "24 hours")`);
  return Math.round(Number(m[1]) * UNIT_MS[unitOf(m[2]!)]!);
}
