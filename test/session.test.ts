/**
 * Sessions: one workflow per conversation, one GenerateImage child per turn, only the relevant earlier turns
 * (with their images) handed on.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { GenerateImageResult } from '../common/runResult';
import { submitTurn, turnResult } from '../client/sessionClient';
import { sessionQuery, submitTurnUpdate } from '../workflows/session/sessionMessages';
import { sessionWorkflowId } from '../common/sessionId';
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
      results.push(await turnResult(env.client, accepted));
    }
    const [turn1, turn2, turn3] = results;
    expect(turn3!.final!.renderedBy.mode).toBe('edit');
    const edit = fake.requestsFor('images.edit').at(-1)!;
    const sent = edit.files.map((f) => f.sha256);
    expect(sent).toContain(turn1!.final!.image.sha256);
    expect(sent).not.toContain(turn2!.final!.image.sha256);

    const session = env.client.workflow.getHandle(sessionWorkflowId(env.config.ids.key, conversation.tenantId, conversation.userId, conversation.sessionId));
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
    const handle = env.client.workflow.getHandle(sessionWorkflowId(env.config.ids.key, 'acme', 'dora', conversation.sessionId));
    const requests = ['a paper boat logo', 'a lighthouse', 'a harbour at night', 'the boat logo from before on a sail'];
    let firstRunId: string | undefined;
    for (const request of requests) {
      const accepted = await submitTurn(env.client, env.config, conversation, { request });
      firstRunId ??= (await handle.describe()).runId;
      await turnResult(env.client, accepted);
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
    await turnResult(env.client, a);
    const view = await env.client.workflow.getHandle(sessionWorkflowId(env.config.ids.key, 'acme', 'bob', conversation.sessionId)).query(sessionQuery);
    expect(view.turns).toHaveLength(1);
  });

  test('an empty turn is rejected by the validator, with a clear message', async () => {
    const conversation = { tenantId: 'acme', userId: 'carol', sessionId: randomUUID().slice(0, 8) };
    await submitTurn(env.client, env.config, conversation, { request: 'a lamp' });
    const err = await submitTurn(env.client, env.config, conversation, { request: '   ' }).catch((e: unknown) => e);
    expect((err as Error).cause).toMatchObject({ message: 'the turn has no request text' });
  });

  test('the three colliding triples of the old id scheme are three sessions, and their ids hold no names', async () => {
    const suffix = randomUUID().slice(0, 6);
    const triples = [
      ['acme', 'bob-smith', `s1${suffix}`],
      ['acme', 'bob', `smith-s1${suffix}`],
      ['acme-bob', 'smith', `s1${suffix}`],
    ] as const;
    const ids = new Set<string>();
    for (const [tenantId, userId, sessionId] of triples) {
      const accepted = await submitTurn(
        env.client,
        env.config,
        { tenantId, userId, sessionId, options: { size: '256x256' } },
        { request: `a kite for ${userId}` },
      );
      expect(accepted.sessionWorkflowId).toBe(sessionWorkflowId(env.config.ids.key, tenantId, userId, sessionId));
      expect(accepted.sessionWorkflowId).not.toMatch(/bob|smith|acme|s1/);
      expect(accepted.index).toBe(1); // each is the first turn of its own session
      ids.add(accepted.sessionWorkflowId);
      await turnResult(env.client, accepted);
    }
    expect(ids.size).toBe(3);
    // The owner travels with every turn, and a session refuses a turn from another triple.
    const [first] = [...ids];
    const err = await env.client.workflow
      .getHandle(first!)
      .executeUpdate(submitTurnUpdate, { args: [{ request: 'a kite', owner: { tenantId: 'acme', userId: 'bob', sessionId: `smith-s1${suffix}` } }] })
      .catch((e: unknown) => e);
    expect((err as Error).cause).toMatchObject({ message: 'this session belongs to another owner' });
    const view = await env.client.workflow.getHandle(first!).query(sessionQuery);
    expect(view.turns).toHaveLength(1);
  });
});
