/**
 * The bench's statistics and the run shape it reads from histories (test/perf/): pure functions, checked on
 * made-up samples and events whose answers are known.
 */
import { bootstrapMedian, formatEstimate } from '../perf/bootstrap';
import { activityTasksReceived } from '../perf/overhead';
import { describeShape, regularGroupCount, runShape, twinGroups } from '../perf/runShape';

/** A seeded generator, so the intervals below are the same on every run. */
function lcg(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1664525 + 1013904223) % 2 ** 32;
    return x / 2 ** 32;
  };
}

describe('bootstrapMedian', () => {
  it('gives the sample median inside an interval that the sample bounds', () => {
    const sample = [1.9, 2.0, 2.1, 2.2, 2.3, 2.4, 2.5, 2.6, 9.0, 2.05, 2.15, 2.25];
    const e = bootstrapMedian(sample, 500, lcg(7));
    expect(e.p50).toBe(2.2);
    expect(e.low).toBeLessThanOrEqual(e.p50);
    expect(e.high).toBeGreaterThanOrEqual(e.p50);
    expect(e.low).toBeGreaterThanOrEqual(1.9);
    // The outlier cannot drag a median's interval out to it.
    expect(e.high).toBeLessThan(9);
    expect(e.n).toBe(12);
    expect(formatEstimate(e)).toMatch(/^2\.20 \[\d\.\d\d–\d\.\d\d\]$/);
  });

  it('narrows as the sample grows', () => {
    const noisy = (n: number, r: () => number) => Array.from({ length: n }, () => 2 + r());
    const small = bootstrapMedian(noisy(8, lcg(1)), 500, lcg(2));
    const large = bootstrapMedian(noisy(200, lcg(1)), 500, lcg(2));
    expect(large.high - large.low).toBeLessThan(small.high - small.low);
  });

  it('refuses an empty sample instead of inventing a median', () => {
    expect(() => bootstrapMedian([])).toThrow(/empty sample/);
  });
});

describe('runShape', () => {
  const scheduled = (eventId: number, task: number, type: string, queue = 'q') => ({
    eventId,
    activityTaskScheduledEventAttributes: { workflowTaskCompletedEventId: task, activityType: { name: type }, taskQueue: { name: queue } },
  });
  const localMarker = (eventId: number, type: string) => ({
    eventId,
    markerRecordedEventAttributes: {
      markerName: 'core_local_activity',
      details: { data: { payloads: [{ data: Buffer.from(JSON.stringify({ activity_type: type })) }] } },
    },
  });
  const events = [
    scheduled(5, 4, 'planContext'),
    scheduled(9, 8, 'recallMemory'),
    scheduled(10, 8, 'reasonQuestion'),
    scheduled(11, 8, 'reasonQuestion'),
    scheduled(20, 19, 'composePrompt'),
    scheduled(21, 19, 'renderImage', 'q-gpu'),
    scheduled(30, 29, 'critiqueImage'),
    localMarker(35, 'writeReport'),
  ] as never[];

  it('gives each audit write to the group its workflow task or a later one scheduled, and the twin only when asked', () => {
    const upsert = (eventId: number, task: number, name: string, type: string, value: unknown) => ({
      eventId,
      upsertWorkflowSearchAttributesEventAttributes: {
        workflowTaskCompletedEventId: task,
        searchAttributes: {
          indexedFields: { [name]: { metadata: { encoding: Buffer.from('json/plain'), type: Buffer.from(type) }, data: Buffer.from(JSON.stringify(value)) } },
        },
      },
    });
    const memo = {
      eventId: 3,
      workflowPropertiesModifiedEventAttributes: { workflowTaskCompletedEventId: 4, upsertedMemo: { fields: { a: { data: Buffer.alloc(700) } } } },
    };
    const withWrites = [
      memo,
      upsert(4, 4, 'ImageAgentStage', 'Keyword', 'planning'),
      ...events.slice(0, 4),
      upsert(15, 14, 'ImageAgentUpdatedAt', 'Datetime', '2026-12-05T03:00:00.000Z'),
      ...events.slice(4),
      upsert(36, 40, 'ImageAgentStage', 'Keyword', 'done'),
      // The SDK's own record of a patch: not an audit write, and the twin could not make it.
      upsert(37, 40, 'TemporalChangeVersion', 'KeywordList', ['some-patch']),
    ] as never[];
    const shape = runShape(withWrites, 'q-gpu');
    expect(shape.map((g) => g.audit?.length ?? 0)).toEqual([2, 0, 1, 0, 0, 1]);
    expect(shape[0]!.audit).toEqual([
      { kind: 'memo', bytes: 700 },
      { kind: 'searchAttributes', pairs: [{ name: 'ImageAgentStage', type: 'KEYWORD', value: 'planning' }] },
    ]);
    // Written at task 14, which scheduled nothing: it goes with the next group (task 19).
    expect(shape[2]!.audit).toEqual([
      { kind: 'searchAttributes', pairs: [{ name: 'ImageAgentUpdatedAt', type: 'DATETIME', value: '2026-12-05T03:00:00.000Z' }] },
    ]);
    expect(twinGroups(shape).some((g) => g.audit)).toBe(false);
    expect(twinGroups(shape, { audit: true })[0]!.audit).toHaveLength(2);
  });

  it('groups activities by the workflow task that scheduled them and the queue they ran on, in order', () => {
    expect(runShape(events, 'q-gpu').map(({ queue, size }) => ({ queue, size }))).toEqual([
      { queue: 'orchestration', size: 1 },
      { queue: 'orchestration', size: 3 },
      { queue: 'orchestration', size: 1 },
      { queue: 'gpu', size: 1 },
      { queue: 'orchestration', size: 1 },
      { queue: 'local', size: 1 },
    ]);
    expect(describeShape(runShape(events, 'q-gpu'))).toBe(
      'planContext | recallMemory+reasonQuestion×2 | composePrompt | gpu:renderImage | critiqueImage | local:writeReport',
    );
  });

  it('counts one round trip per scheduling workflow task: a render beside a compose is not another, a local activity is none', () => {
    expect(regularGroupCount(events)).toBe(4);
  });
});

describe('activityTasksReceived', () => {
  it('sums the SDK counter per task queue, eager and not', () => {
    const text = [
      '# HELP temporal_activity_task_received_total Count of activity task queue polls with task received',
      'temporal_activity_task_received_total{activity_type="planContext",eager="true",namespace="default",task_queue="q",workflow_type="generateImage"} 3',
      'temporal_activity_task_received_total{activity_type="reasonQuestion",eager="false",namespace="default",task_queue="q",workflow_type="generateImage"} 2',
      'temporal_activity_task_received_total{activity_type="noop",eager="true",namespace="default",task_queue="twin",workflow_type="activityTwin"} 7',
      'temporal_workflow_task_queue_poll_succeed_total{namespace="default",task_queue="q"} 40',
    ].join('\n');
    const counts = activityTasksReceived(text);
    expect(counts.get('q')).toEqual({ eager: 3, total: 5 });
    expect(counts.get('twin')).toEqual({ eager: 7, total: 7 });
    expect(counts.size).toBe(2);
  });
});
