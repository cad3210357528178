/**
 * What a local activity leaves in a history: one `core_local_activity` marker whose `data` detail is core's
 * own JSON (activity type, attempt, first schedule and completion times), written as plain JSON even when
 * payloads are encrypted; its result is a separate detail. The bench and the tests read it here.
 */
import type { temporal } from '@temporalio/proto';

export interface LocalActivityMarker {
  activityType: string;
  /** From the first attempt's schedule to completion, in ms (retries included). */
  durationMs: number;
}

interface CoreTimestamp {
  seconds?: number;
  nanos?: number;
}

const millis = (t: CoreTimestamp | null | undefined) => (t ? (t.seconds ?? 0) * 1000 + Math.round((t.nanos ?? 0) / 1e6) : 0);

/** The local activity an event records, or undefined for any other event. */
export function localActivityOf(e: temporal.api.history.v1.IHistoryEvent): LocalActivityMarker | undefined {
  const marker = e.markerRecordedEventAttributes;
  if (marker?.markerName !== 'core_local_activity') return undefined;
  const data = marker.details?.data?.payloads?.[0]?.data;
  if (!data) return undefined;
  const meta = JSON.parse(Buffer.from(data).toString('utf8')) as {
    activity_type?: string;
    complete_time?: CoreTimestamp;
    original_schedule_time?: CoreTimestamp;
  };
  return { activityType: meta.activity_type ?? '', durationMs: millis(meta.complete_time) - millis(meta.original_schedule_time) };
}
