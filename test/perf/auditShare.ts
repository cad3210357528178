/**
 * What the audit features cost a run, read from its history: the search-attribute upserts and memo, the
 * activity summaries (user metadata on each event), and the report step (its three events and its time from
 * scheduled to completed; or, as a local activity, its one marker and the time the marker records). These
 * add no workflow task of their own except the report's activity, so bytes, events and that step's time are
 * the whole cost; the bench reports them as a share of the run.
 */
import { temporal } from '@temporalio/proto';
import { localActivityOf } from '../support/localActivityMarker';

export interface AuditShare {
  events: number;
  bytes: number;
  reportMs: number;
  runMs: number;
}

const millis = (t: temporal.api.history.v1.IHistoryEvent['eventTime']) => (t ? Number(t.seconds ?? 0) * 1000 + Math.round((t.nanos ?? 0) / 1e6) : 0);
const size = (e: temporal.api.history.v1.IHistoryEvent) => temporal.api.history.v1.HistoryEvent.encode(e).finish().length;

/** The report's local-activity marker: its time from first schedule to completion, or undefined for another event. */
function localReportMs(e: temporal.api.history.v1.IHistoryEvent): number | undefined {
  const local = localActivityOf(e);
  return local?.activityType === 'writeReport' ? local.durationMs : undefined;
}

export function auditShare(history: temporal.api.history.v1.IHistory): AuditShare {
  const events = history.events ?? [];
  const reportScheduled = new Set<string>();
  let count = 0;
  let bytes = 0;
  let reportMs = 0;
  const scheduledAt = new Map<string, number>();
  for (const e of events) {
    const id = String(e.eventId);
    const scheduled = e.activityTaskScheduledEventAttributes;
    if (scheduled?.activityType?.name === 'writeReport') {
      reportScheduled.add(id);
      scheduledAt.set(id, millis(e.eventTime));
    }
    const ofReport =
      reportScheduled.has(id) ||
      reportScheduled.has(String(e.activityTaskStartedEventAttributes?.scheduledEventId ?? '')) ||
      reportScheduled.has(String(e.activityTaskCompletedEventAttributes?.scheduledEventId ?? ''));
    const completedOf = String(e.activityTaskCompletedEventAttributes?.scheduledEventId ?? '');
    if (scheduledAt.has(completedOf)) reportMs += millis(e.eventTime) - scheduledAt.get(completedOf)!;
    const local = localReportMs(e);
    if (local !== undefined) reportMs += local;
    if (ofReport || local !== undefined || e.upsertWorkflowSearchAttributesEventAttributes || e.workflowPropertiesModifiedEventAttributes) {
      count += 1;
      bytes += size(e);
    } else if (e.userMetadata) {
      // Only the summary is audit; the event itself would be there without it.
      bytes += temporal.api.sdk.v1.UserMetadata.encode(e.userMetadata).finish().length;
    }
  }
  const runMs = events.length ? millis(events.at(-1)!.eventTime) - millis(events[0]!.eventTime) : 0;
  return { events: count, bytes, reportMs, runMs };
}
