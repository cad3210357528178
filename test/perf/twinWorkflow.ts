/**
 * The twin a run's cost is read against (test/perf/overhead.ts): the run's own shape (runShape.ts, read from a
 * recorded history) with activities that do nothing. Each group runs in parallel, group after group, on the
 * queue the run used: renders on the GPU queue and its worker, the report as a local activity. Its time is what
 * the SDK and the Temporal server cost on this machine for exactly that shape. Given the run's audit writes
 * (its search-attribute upserts and memo, in the task that made them), it makes them too, so the bench can
 * read what they cost the server without changing what image-agent's workers do.
 */
import { defineSearchAttributeKey, type SearchAttributeType, type SearchAttributeUpdatePair } from '@temporalio/common';
import { proxyActivities, proxyLocalActivities, upsertMemo, upsertSearchAttributes } from '@temporalio/workflow';

type Noop = { noop(): Promise<void> };

/** A search-attribute upsert as the run made it (a value as JSON: a date as its ISO string), or a memo of so many bytes. */
export type AuditWrite = { kind: 'searchAttributes'; pairs: { name: string; type: SearchAttributeType; value: unknown }[] } | { kind: 'memo'; bytes: number };

export interface TwinGroup {
  queue: 'orchestration' | 'gpu' | 'local';
  size: number;
  /** The run's audit writes in the workflow task that scheduled this group (or in a task since the group before). */
  audit?: AuditWrite[];
}

const options = { startToCloseTimeout: '1 minute' } as const;
const orchestration = proxyActivities<Noop>(options);
const local = proxyLocalActivities<Noop>(options);

function writeAudit(writes: readonly AuditWrite[]): void {
  for (const w of writes) {
    if (w.kind === 'memo') upsertMemo({ twin: 'x'.repeat(w.bytes) });
    else
      upsertSearchAttributes(
        w.pairs.map(
          (p) =>
            ({
              key: defineSearchAttributeKey(p.name, p.type),
              value: p.type === 'DATETIME' ? new Date(p.value as string) : p.value,
            }) as SearchAttributeUpdatePair,
        ),
      );
  }
}

export async function activityTwin(groups: TwinGroup[], gpuTaskQueue: string): Promise<void> {
  const gpu = proxyActivities<Noop>({ ...options, taskQueue: gpuTaskQueue });
  const stubs = { orchestration, gpu, local };
  for (const g of groups) {
    writeAudit(g.audit ?? []);
    await Promise.all(Array.from({ length: g.size }, () => stubs[g.queue].noop()));
  }
}
