/**
 * A run's shape, read from its history: its activity groups in order (activities scheduled by one workflow
 * task run together), each with the queue it ran on. The twin (twinWorkflow.ts) replays this shape with
 * no-op activities, and the size checks count its sequential regular-activity groups, so neither can drift
 * from what the workflow really does.
 */
// Not re-exported at the package root; the SDK's own decoding keeps each value's type from the payload's metadata.
import { decodeTypedSearchAttributes } from '@temporalio/common/lib/converter/payload-search-attributes';
import type { temporal } from '@temporalio/proto';
import { localActivityOf } from '../support/localActivityMarker';
import type { AuditWrite, TwinGroup } from './twinWorkflow';

/** A group: where its activities ran (the workflow's own queue, the GPU queue, or local), how many, which. */
export interface ActivityGroup extends TwinGroup {
  types: string[];
}

export function runShape(events: readonly temporal.api.history.v1.IHistoryEvent[], gpuTaskQueue: string): ActivityGroup[] {
  const groups = new Map<string, ActivityGroup & { task: number }>();
  const writes: { task: number; write: AuditWrite }[] = [];
  for (const e of events) {
    const write = auditWriteOf(e);
    if (write) {
      writes.push(write);
      continue;
    }
    const local = localActivityOf(e);
    if (local) {
      const task = Number(e.markerRecordedEventAttributes?.workflowTaskCompletedEventId ?? 0);
      groups.set(`local-${String(e.eventId)}`, { queue: 'local', size: 1, types: [local.activityType], task });
      continue;
    }
    const a = e.activityTaskScheduledEventAttributes;
    if (!a) continue;
    const queue: TwinGroup['queue'] = a.taskQueue?.name === gpuTaskQueue ? 'gpu' : 'orchestration';
    const key = `${String(a.workflowTaskCompletedEventId)}-${queue}`;
    const group = groups.get(key) ?? { queue, size: 0, types: [], task: Number(a.workflowTaskCompletedEventId) };
    group.size++;
    group.types.push(a.activityType?.name ?? '');
    groups.set(key, group);
  }
  const ordered = [...groups.values()];
  // A write goes with the first group its own task or a later one scheduled (the last group takes the rest).
  for (const { task, write } of writes) {
    const group = ordered.find((g) => g.task >= task) ?? ordered.at(-1);
    if (group) (group.audit ??= []).push(write);
  }
  return ordered.map(({ task: _task, ...group }) => group);
}

const PATCH_ATTRIBUTE = 'TemporalChangeVersion';

/** A search-attribute upsert or a memo change, with the workflow task that made it. */
function auditWriteOf(e: temporal.api.history.v1.IHistoryEvent): { task: number; write: AuditWrite } | undefined {
  const upsert = e.upsertWorkflowSearchAttributesEventAttributes;
  if (upsert) {
    const pairs = decodeTypedSearchAttributes(upsert.searchAttributes?.indexedFields)
      .getAll()
      // The SDK writes TemporalChangeVersion for each patch itself (no workflow may): a patch's cost, not audit.
      .filter((p) => p.key.name !== PATCH_ATTRIBUTE)
      .map((p) => ({ name: p.key.name, type: p.key.type, value: p.value instanceof Date ? p.value.toISOString() : p.value }));
    return pairs.length ? { task: Number(upsert.workflowTaskCompletedEventId ?? 0), write: { kind: 'searchAttributes', pairs } } : undefined;
  }
  const modified = e.workflowPropertiesModifiedEventAttributes;
  if (modified) {
    const bytes = Object.values(modified.upsertedMemo?.fields ?? {}).reduce((sum, p) => sum + (p.data?.length ?? 0), 0);
    return { task: Number(modified.workflowTaskCompletedEventId ?? 0), write: { kind: 'memo', bytes } };
  }
  return undefined;
}

/** The shape as the twin takes it: queue and size, and the run's audit writes only when asked. */
export function twinGroups(shape: readonly ActivityGroup[], options: { audit?: boolean } = {}): TwinGroup[] {
  return shape.map(({ queue, size, audit }) => ({ queue, size, ...(options.audit && audit ? { audit } : {}) }));
}

/**
 * Sequential regular-activity groups: each workflow task that scheduled activities on the task queues is one
 * round trip through matching and a worker (a render and a critique scheduled by one task count once).
 */
export function regularGroupCount(events: readonly temporal.api.history.v1.IHistoryEvent[]): number {
  const tasks = new Set<string>();
  for (const e of events) {
    const a = e.activityTaskScheduledEventAttributes;
    if (a) tasks.add(String(a.workflowTaskCompletedEventId));
  }
  return tasks.size;
}

/** `reason×4 | gpu:renderImage | local:writeReport`: a shape in one line. */
export function describeShape(shape: readonly ActivityGroup[]): string {
  return shape
    .map((g) => {
      const counts = new Map<string, number>();
      for (const t of g.types) counts.set(t, (counts.get(t) ?? 0) + 1);
      const names = [...counts].map(([t, n]) => (n > 1 ? `${t}×${n}` : t)).join('+');
      return g.queue === 'orchestration' ? names : `${g.queue}:${names}`;
    })
    .join(' | ');
}
