/**
 * The checklist is planned while a single image's first prompt is composed and rendered
 * (workflows/patches.ts, CHECKLIST_BESIDE_FIRST_RENDER), and awaited before the first critique: a run is one
 * model call shorter. A plan reviewer still sees the checklist before anything is rendered, and a checklist
 * that fails while the render runs fails the run at the critique, not the workflow task.
 */
import { randomUUID } from 'node:crypto';
import { WorkflowFailedError } from '@temporalio/client';
import { reviewPlan, startGeneration } from '../client/generations';
import type { GenerateImageResult } from '../common/runResult';
import { statusQuery } from '../workflows/generate/generationMessages';
import { scriptAgentDefaults } from './fakeOpenAI/agentDefaults';
import { FakeOpenAIServer, schemaName } from './fakeOpenAI/fakeOpenAIServer';
import { eventually } from './support/eventually';
import { startTestEnv, type TestEnv } from './support/testEnv';

const CHECKLIST = { items: [{ statement: 'The lantern is red' }, { statement: 'The sign reads "Open"' }] };

describe('the checklist beside the first render', () => {
  let fake: FakeOpenAIServer;
  let env: TestEnv;

  beforeAll(async () => {
    fake = await new FakeOpenAIServer().start();
    env = await startTestEnv({ name: 'checklist-beside', fake });
  });
  afterAll(async () => {
    await env?.stop();
    await fake?.stop();
  });
  beforeEach(() => fake.reset());

  const g = () => ({ client: env.client, config: env.config, store: env.store });
  const start = (request: string, planApproval = false) =>
    startGeneration(
      g(),
      {
        request,
        tenantId: 'checklist',
        userId: 'u-checklist',
        options: { size: '256x256' },
        review: { required: false, planApproval, onTimeout: 'expire' },
      },
      `checklist-${randomUUID()}`,
    );
  const chat = (schema: string) => fake.requestsFor('chat').filter((r) => schemaName(r) === schema);
  const scheduledBy = async (workflowId: string) => {
    const events = (await env.client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
    const by = new Map<string, string>();
    for (const e of events) {
      const a = e.activityTaskScheduledEventAttributes;
      if (a && !by.has(a.activityType!.name!)) by.set(a.activityType!.name!, String(a.workflowTaskCompletedEventId));
    }
    return { by, workflowTaskFailures: events.filter((e) => e.workflowTaskFailedEventAttributes).length };
  };

  test('one image, no plan review: the checklist call overlaps the compose call, and the critique judges every item', async () => {
    fake.script({ route: 'chat', schema: 'checklist', latencyMs: 1500, reply: { json: CHECKLIST } });
    scriptAgentDefaults(fake);
    const { workflowId } = await start('a red paper lantern over a shop sign that reads "Open"');
    const result: GenerateImageResult = await env.client.workflow.getHandle(workflowId).result();

    expect(result.outcome).toBe('completed');
    expect(result.checklist.map((c) => c.statement)).toEqual(CHECKLIST.items.map((i) => i.statement));
    expect(result.final!.critique!.total).toBe(2);
    // Seen at the model: the compose request arrived while the checklist request was still open.
    const [checklistCall] = chat('checklist');
    const [composeCall] = chat('generation_context');
    expect(composeCall!.at).toBeGreaterThanOrEqual(checklistCall!.at);
    expect(composeCall!.at).toBeLessThan(checklistCall!.doneAt!);
    const { by, workflowTaskFailures } = await scheduledBy(workflowId);
    expect(by.get('planChecklist')).toBe(by.get('composePrompt'));
    expect(workflowTaskFailures).toBe(0);
  });

  test('with plan review: the checklist is planned before the reviewer is asked, and shown to them', async () => {
    scriptAgentDefaults(fake);
    const { workflowId } = await start('a blue kite above a green hill', true);
    const handle = env.client.workflow.getHandle(workflowId);
    const waiting = await eventually(async () => {
      const s = await handle.query(statusQuery);
      if (s.pendingReview?.kind !== 'plan') throw new Error(`not yet waiting for plan review (stage ${s.stage})`);
      return s;
    }, 60_000);
    expect(waiting.checklist.length).toBeGreaterThan(0);
    expect(fake.requestsFor('images.generate')).toHaveLength(0);
    await reviewPlan(g(), workflowId, { decision: 'approve', reviewer: 'rev-plan' }, randomUUID());
    const result: GenerateImageResult = await handle.result();
    expect(result.outcome).toBe('completed');
    const { by } = await scheduledBy(workflowId);
    expect(by.get('planChecklist')).not.toBe(by.get('composePrompt'));
  });

  test('a checklist refused while the image renders fails the run at the critique; no workflow task fails', async () => {
    // The refusal arrives while the render is still running, before anything awaits the checklist.
    fake.script(
      { route: 'chat', schema: 'checklist', latencyMs: 200, reply: { refusal: 'I cannot help with that.' } },
      { route: 'images.generate', latencyMs: 2000 },
    );
    scriptAgentDefaults(fake);
    const { workflowId } = await start('a quiet harbour at night');
    const failed = await env.client.workflow
      .getHandle(workflowId)
      .result()
      .catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(WorkflowFailedError);
    expect(fake.requestsFor('images.generate')).toHaveLength(1);
    expect(chat('critique')).toHaveLength(0);
    const { workflowTaskFailures } = await scheduledBy(workflowId);
    expect(workflowTaskFailures).toBe(0);
  });
});
