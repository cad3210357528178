/** How many of each activity type a run has scheduled so far, read from its history. */
import type { WorkflowHandle } from '@temporalio/client';

export async function scheduledActivities(handle: WorkflowHandle): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const e of (await handle.fetchHistory()).events ?? []) {
    const name = e.activityTaskScheduledEventAttributes?.activityType?.name;
    if (name) counts[name] = (counts[name] ?? 0) + 1;
  }
  return counts;
}

/** The activity types whose count changed between two readings, with the change. */
export function addedActivities(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.keys(after).flatMap((k) => (after[k] !== (before[k] ?? 0) ? [[k, after[k]! - (before[k] ?? 0)]] : [])));
}
