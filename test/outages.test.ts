/**
 * The outage policy on the real stack (docs/operations.md, "Outages"): Postgres down for 60 s while runs ground their
 * context, S3 down for 60 s while a render is uploaded, and while the report (a local activity) is written.
 * Nothing fails, memory degrades where its window is shorter than the outage (recorded), and the paid
 * render is not repeated.
 */
import { randomUUID } from 'node:crypto';
import type { GenerateImageInput } from '../common/request';
import type { GenerateImageResult } from '../common/runResult';
import { infrastructure } from '../infra/stack';
import type { StackService } from '../infra/stackService';
import { statusQuery } from '../workflows/generate/generationMessages';
import { requestLine, scriptAgentDefaults } from './fakeOpenAI/agentDefaults';
import { FakeOpenAIServer } from './fakeOpenAI/fakeOpenAIServer';
import { eventually } from './support/eventually';
import { localActivityOf } from './support/localActivityMarker';
import { startTestEnv, type TestEnv } from './support/testEnv';
import { generateImage } from '../workflows/generate/generateImage';
import { reviewGeneration, startGeneration } from '../client/generations';

const OUTAGE_MS = 60_000;

describe('outages of a dependency shorter than the window', () => {
  let fake: FakeOpenAIServer;
  let env: TestEnv;
  let services: StackService[];

  beforeAll(async () => {
    fake = await new FakeOpenAIServer().start();
    env = await startTestEnv({ name: 'outages', fake });
    services = infrastructure(env.config);
  });
  afterAll(async () => {
    // A failed test must not leave a server down for the suites after it.
    await Promise.all(services.map(async (s) => (await s.healthy()) || s.start(() => undefined)));
    await env?.stop();
    await fake?.stop();
  });
  beforeEach(() => fake.reset());

  const service = (name: string) => services.find((s) => s.name === name)!;
  const input = (request: string, outageWindow?: string): GenerateImageInput => ({
    request,
    tenantId: 'outage',
    userId: `u-${randomUUID().slice(0, 8)}`,
    options: { size: '256x256', ...(outageWindow ? { outageWindow } : {}) },
  });
  const start = (i: GenerateImageInput) =>
    env.client.workflow.start(generateImage, { taskQueue: env.taskQueue, workflowId: `outage-${randomUUID()}`, args: [i] });
  const workflowTaskFailures = async (workflowId: string) =>
    ((await env.client.workflow.getHandle(workflowId).fetchHistory()).events ?? []).filter((e) => e.workflowTaskFailedEventAttributes).length;

  test('Postgres down for 60 s mid-grounding: runs complete; a short memory window degrades, recorded; the default one waits', async () => {
    // The degrading run has a slow reasoning branch, so its profile load gives up while that branch still runs.
    fake.script({
      route: 'chat',
      schema: 'context_plan',
      reply: (req) => ({
        json: {
          intent: 'test',
          questions: requestLine(req).includes('slow') ? [{ id: 'q1', question: 'a slow question?', route: 'reason', dependsOn: [], rationale: 'test' }] : [],
          images: [{ id: 'image-1', brief: 'the image', dependsOn: [] }],
        },
      }),
    });
    fake.script({ route: 'chat', schema: 'reason_answer', latencyMs: 30_000, reply: { json: { answer: 'slow answer', items: ['slow answer'] } } });
    scriptAgentDefaults(fake);

    const postgres = service('postgres');
    expect(await postgres.stop()).toBe(true);
    const stoppedAt = Date.now();
    const degrading = await start(input('a slow poster of a lighthouse', '20 seconds'));
    const waiting = await start(input('a poster of a harbour'));
    await eventually(async () => expect((await degrading.query(statusQuery)).stage).not.toBe('planning'), 30_000);
    await new Promise((r) => setTimeout(r, Math.max(0, OUTAGE_MS - (Date.now() - stoppedAt))));
    await postgres.start(() => undefined);

    const degraded: GenerateImageResult = await degrading.result();
    expect(degraded.outcome).toBe('completed');
    expect(degraded.degraded).toEqual([
      expect.objectContaining({ stage: 'ground', dependency: 'memory', reason: expect.stringMatching(/user profile could not be loaded/) }),
    ]);
    // The write after rendering waits for the store (window + one attempt), so the turn is kept.
    expect(degraded.remembered?.turnInserted).toBe(true);
    expect(await workflowTaskFailures(degrading.workflowId)).toBe(0);

    const waited: GenerateImageResult = await waiting.result();
    expect(waited.outcome).toBe('completed');
    expect(waited.degraded).toBeUndefined();
    expect(waited.remembered?.turnInserted).toBe(true);
  });

  test('S3 down for 60 s while a render is uploaded: the run completes, and the image endpoint was called once', async () => {
    fake.script({ route: 'images.generate', latencyMs: 3000 });
    scriptAgentDefaults(fake);
    const handle = await start(input('a red kite over the dunes'));
    await eventually(async () => expect(fake.requestsFor('images.generate')).toHaveLength(1), 60_000, 50);
    const s3 = service('object storage');
    expect(await s3.stop()).toBe(true);
    await new Promise((r) => setTimeout(r, OUTAGE_MS));
    await s3.start(() => undefined);

    const result: GenerateImageResult = await handle.result();
    expect(result.outcome).toBe('completed');
    expect(fake.requestsFor('images.generate')).toHaveLength(1);
    expect(result.final!.renderedBy).toMatchObject({ fromSpool: true });
    expect(result.final!.renderedBy.reRendered).toBeUndefined();
    expect(result.usage.images).toBe(1);
    expect((await env.store.get(result.final!.image.key)).length).toBe(result.final!.image.bytes);
  });

  test('S3 down for 60 s when the approved run writes its report (a local activity): it retries, and the run completes with its report', async () => {
    scriptAgentDefaults(fake);
    const g = { client: env.client, config: env.config, store: env.store };
    // No memory: after the approval the report is the run's first use of object storage.
    const request = { ...input('a paper lantern festival poster'), options: { size: '256x256', ablations: { noMemory: true } } };
    const { workflowId } = await startGeneration(
      g,
      { ...request, review: { required: true, planApproval: false, onTimeout: 'expire' } },
      `outage-${randomUUID()}`,
    );
    const handle = env.client.workflow.getHandle(workflowId);
    const candidateKey = await eventually(async () => {
      const s = await handle.query(statusQuery);
      if (s.pendingReview?.kind !== 'result') throw new Error(`not yet waiting for review (stage ${s.stage})`);
      return s.pendingReview.candidateKey ?? '';
    }, 60_000);

    const s3 = service('object storage');
    expect(await s3.stop()).toBe(true);
    await reviewGeneration(g, workflowId, { decision: 'approve', candidateKey }, randomUUID(), 'outage', 'outage-reviewer');
    await new Promise((r) => setTimeout(r, OUTAGE_MS));
    expect((await handle.describe()).status.name).toBe('RUNNING');
    await s3.start(() => undefined);

    const result: GenerateImageResult = await handle.result();
    expect(result.outcome).toBe('completed');
    expect(result.approval).toBe('approved');
    const report = await env.store.getJson<{ workflowId: string; result: { outcome: string } }>(result.reportKey!);
    expect(report).toMatchObject({ workflowId, result: { outcome: 'completed' } });
    // One report marker: the attempts during the outage left no trace of their own, and no task failed.
    const events = (await handle.fetchHistory()).events ?? [];
    const reportMarkers = events.filter((e) => localActivityOf(e)?.activityType === 'writeReport');
    expect(reportMarkers).toHaveLength(1);
    expect(events.some((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'writeReport')).toBe(false);
    expect(await workflowTaskFailures(workflowId)).toBe(0);
  });
});
