/**
 * Sessions: one workflow per conversation, one GenerateImage child per turn, only the relevant earlier turns
 * (with their images) handed on.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { GenerateImageResult } from '../common/runResult';
import { submitTurn, turnResult } from '../client/sessionClient';
import { sessionQuery, sessionWorkflowId } from '../workflows/sessionMessages';
import { scriptAgentDefaults } from './fakeOpenAI/agentDefaults';
import { FakeOpenAIServer } from './fakeOpenAI/fakeOpenAIServer';
import { eventually } from './support/eventually';
import { startTestEnv, type TestEnv } from './support/testEnv';

describe('session workflow', () => {
  let fake: FakeOpenAIServer;
  let env: TestEnv;

  beforeAll(async () => {
    fake = await new FakeOpenAIServer().start();
    scriptAgentDefaults(fake);
    env = await startTestEnv({ name: 'session', fake });
  });
  afterAll(async () => {
    await env?.stop();
    await fake?.stop();
  });

  test('multi-turn: turn 3 reuses turn 1’s image, and only turn 1’s', async () => {
    const conversation = { tenantId: 'acme', userId: `u-${randomUUID().slice(0, 6)}`, sessionId: randomUUID().slice(0, 8), options: { size: '256x256' } };
    const results: GenerateImageResult[] = [];
    for (const request of ['a minimalist fox logo for our café', 'a poster of snowy mountains at dawn', 'put the logo from before on a coffee mug']) {
      const accepted = await submitTurn(env.client, env.config, conversation, { request });
      results.push(await turnResult(env.client, conversation, accepted));
    }
    const [turn1, turn2, turn3] = results;
    expect(turn3!.final!.renderedBy.mode).toBe('edit');
    const edit = fake.requestsFor('images.edit').at(-1)!;
    const sent = edit.files.map((f) => f.sha256);
    expect(sent).toContain(turn1!.final!.image.sha256);
    expect(sent).not.toContain(turn2!.final!.image.sha256);

    const session = env.client.workflow.getHandle(sessionWorkflowId(conversation.tenantId, conversation.userId, conversation.sessionId));
    await eventually(async () => {
      const view = await session.query(sessionQuery);
      expect(view.turns.map((t) => [t.index, t.status, t.usedTurns])).toEqual([
        [1, 'done', []],
        [2, 'done', []],
        [3, 'done', [1]],
      ]);
    });
    // The image bytes S3 holds for turn 1 are the bytes the edit call received.
    const bytes = await env.store.get(turn1!.final!.image.key);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(turn1!.final!.image.sha256);
  });

  test('the session continues as new to keep its history bounded, and carries its turns across', async () => {
    const conversation = { tenantId: 'acme', userId: 'dora', sessionId: randomUUID().slice(0, 8), options: { size: '256x256' }, maxTurnsPerRun: 2 };
    const handle = env.client.workflow.getHandle(sessionWorkflowId('acme', 'dora', conversation.sessionId));
    const requests = ['a paper boat logo', 'a lighthouse', 'a harbour at night', 'the boat logo from before on a sail'];
    let firstRunId: string | undefined;
    for (const request of requests) {
      const accepted = await submitTurn(env.client, env.config, conversation, { request });
      firstRunId ??= (await handle.describe()).runId;
      await turnResult(env.client, conversation, accepted);
    }
    const view = await eventually(async () => {
      const v = await handle.query(sessionQuery);
      expect(v.turns.map((t) => t.status)).toEqual(['done', 'done', 'done', 'done']);
      return v;
    });
    expect(view.continuedAsNew).toBeGreaterThanOrEqual(1);
    expect((await handle.describe()).runId).not.toBe(firstRunId);
    // Turn 4 found turn 1 in the state carried across continue-as-new.
    expect(view.turns[3]!.usedTurns).toEqual([1]);
  });

  test('a retried submission with the same request id is one turn, not two', async () => {
    const conversation = { tenantId: 'acme', userId: 'bob', sessionId: randomUUID().slice(0, 8), options: { size: '256x256' } };
    const a = await submitTurn(env.client, env.config, conversation, { request: 'a red bicycle' }, 'req-1');
    const b = await submitTurn(env.client, env.config, conversation, { request: 'a red bicycle' }, 'req-1');
    expect(b).toEqual(a);
    await turnResult(env.client, conversation, a);
    const view = await env.client.workflow.getHandle(sessionWorkflowId('acme', 'bob', conversation.sessionId)).query(sessionQuery);
    expect(view.turns).toHaveLength(1);
  });

  test('an empty turn is rejected by the validator, with a clear message', async () => {
    const conversation = { tenantId: 'acme', userId: 'carol', sessionId: randomUUID().slice(0, 8) };
    await submitTurn(env.client, env.config, conversation, { request: 'a lamp' });
    const err = await submitTurn(env.client, env.config, conversation, { request: '   ' }).catch((e: unknown) => e);
    expect((err as Error).cause).toMatchObject({ message: 'the turn has no request text' });
  });
});
