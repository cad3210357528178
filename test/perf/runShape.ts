/**
 * A run's shape, read from its history: its activity groups in order (activities scheduled by one workflow
 * task run together), each with the queue it ran on. The twin (twinWorkflow.ts) replays this shape with
 * no-op activities, and the size checks count its sequential regular-activity groups, so neither can drift
 * from what the workflow really does.
 */
import type { temporal } from '@temporalio/proto';
import { localActivityOf } from '../support/localActivityMarker';
import type { TwinGroup } from './twinWorkflow';

/** A group: where its activities ran (the workflow's own queue, the GPU queue, or local), how many, which. */
export interface ActivityGroup extends TwinGroup {
  types: string[];
}

export function runShape(events: readonly temporal.api.history.v1.IHistoryEvent[], gpuTaskQueue: string): ActivityGroup[] {
  const groups = new Map<string, ActivityGroup>();
  for (const e of events) {
    const local = localActivityOf(e);
    if (local) {
      groups.set(`local-${String(e.eventId)}`, { queue: 'local', size: 1, types: [local.activityType] });
      continue;
    }
    const a = e.activityTaskScheduledEventAttributes;
    if (!a) continue;
    const queue: TwinGroup['queue'] = a.taskQueue?.name === gpuTaskQueue ? 'gpu' : 'orchestration';
    const key = `${String(a.workflowTaskCompletedEventId)}-${queue}`;
    const group = groups.get(key) ?? { queue, size: 0, types: [] };
    group.size++;
    group.types.push(a.activityType?.name ?? '');
    groups.set(key, group);
  }
  return [...groups.values()];
}

/** The shape as the twin takes it: queue and size only. */
export function twinGroups(shape: readonly ActivityGroup[]): TwinGroup[] {
  return shape.map(({ queue, size }) => ({ queue, size }));
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
