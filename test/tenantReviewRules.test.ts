/**
 * Review rules belong to the tenant (issue 20, findings 4, 6 and the replayed decision of 10):
 *  - a four-eyes tenant's request cannot turn review off, approve on timeout or wait less than the floor
 *    (clamped at the edge, and the answer says so), and a run started past the client applies the same rules itself;
 *  - session turns carry the review key, so a forged decision sent straight to Temporal is refused;
 *  - a signed decision names its run: after a reset, the decision made on the old run is refused.
 */
import { randomUUID } from 'node:crypto';
import { reviewGeneration } from '../client/generations';
import { submitTurn } from '../client/sessionClient';
import type { ReviewDecision } from '../common/review';
import type { GenerateImageResult } from '../common/runResult';
import { reviewSigner } from '../security/reviewSigner';
import { generateImage } from '../workflows/generate/generateImage';
import { reviewSignal, reviewUpdate, statusQuery } from '../workflows/generate/generationMessages';
import { sessionQuery } from '../workflows/session/sessionMessages';
import { sessionWorkflowId } from '../common/sessionId';
import { eventually } from './support/eventually';
import { listenApi, startWaitingRun, type InProcessApi } from './support/inProcessApi';
import { startTestEnv, type TestEnv } from './support/testEnv';

const FE = `rules-fe-${randomUUID().slice(0, 6)}`;
const ALICE = `tok-alice-${randomUUID()}`;

describe("a four-eyes tenant's review rules", () => {
  let env: TestEnv;
  let api: InProcessApi;
  let base: string;
  const gen = () => ({ client: env.client, config: env.config, store: env.store });
  const pending = (workflowId: string) =>
    eventually(async () => {
      const s = await env.client.workflow.getHandle(workflowId).query(statusQuery);
      expect(s.pendingReview?.candidateKey).toBeDefined();
      return s.pendingReview!.candidateKey!;
    }, 60_000);

  beforeAll(async () => {
    env = await startTestEnv({
      name: 'review-rules',
      env: {
        IMAGE_AGENT_API_TOKENS: `${ALICE}:${FE}:alice:submit+review`,
        IMAGE_AGENT_FOUR_EYES_TENANTS: FE,
        IMAGE_AGENT_FOUR_EYES_MIN_REVIEW_TIMEOUT: '3 seconds',
      },
    });
    api = await listenApi(env);
    base = api.base;
  });
  afterAll(async () => {
    await api?.close();
    await env?.stop();
  });

  test('a request that asks for less review than the tenant requires is clamped, and the answer and the run say so', async () => {
    for (const [review, field, applied] of [
      [{ required: false, onTimeout: 'expire' }, 'review.required', true],
      [{ required: true, timeout: '1 second', onTimeout: 'approve_best' }, 'review.onTimeout', 'expire'],
      [{ required: true, timeout: '1 second', onTimeout: 'expire' }, 'review.timeout', '3 seconds'],
    ] as const) {
      const res = await fetch(`${base}/v1/generations`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ALICE}`, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
        body: JSON.stringify({ request: 'a kite', userId: 'alice', review, options: { size: '256x256', maxRounds: 1 } }),
      });
      expect(res.status).toBe(202);
      const answer = (await res.json()) as { workflowId: string; clamped: { field: string; applied: unknown; rule: string }[]; policyVersion: number };
      expect(answer.policyVersion).toBe(0);
      expect(answer.clamped).toContainEqual(expect.objectContaining({ field, applied, rule: expect.stringMatching(/four-eyes|at least 3 seconds/) }));
      // The run was started with the clamped policy, and names what was clamped.
      const handle = env.client.workflow.getHandle(answer.workflowId);
      const described = await handle.describe();
      expect(described.memo).toMatchObject({ policyVersion: 0, clamped: expect.arrayContaining([field]) });
      await pending(answer.workflowId);
      await handle.cancel();
    }
  });

  test('a run started past the client, asking to skip review or approve on timeout, still needs a second reviewer', async () => {
    const auth = reviewSigner(env.config).reviewAuth('alice', { fourEyes: true, minTimeout: '3 seconds' });
    expect(auth).toMatchObject({ fourEyes: true, minTimeout: '3 seconds', version: 2 });
    const start = (review: { required: boolean; timeout?: string; onTimeout: 'approve_best' | 'expire' }) =>
      env.client.workflow.start(generateImage, {
        taskQueue: env.taskQueue,
        workflowId: `rules-${randomUUID()}`,
        args: [{ request: 'a kite over dunes', tenantId: FE, userId: 'alice', options: { size: '256x256', maxRounds: 1 }, review, reviewAuth: auth }],
      });
    // Review off: the run waits for a reviewer anyway.
    const skipped = await start({ required: false, onTimeout: 'expire' });
    await pending(skipped.workflowId);
    await skipped.cancel();
    // Approve the best after one second: the wait lasts the floor, and then the run expires instead.
    const rushed = await start({ required: true, timeout: '1 second', onTimeout: 'approve_best' });
    const result: GenerateImageResult = await rushed.result();
    expect(result.approval).toBe('expired');
    expect(result.decisions).toEqual([expect.objectContaining({ decision: 'timeout', feedback: expect.stringContaining('3 seconds') })]);
  });

  test('a session turn takes only signed decisions, and four-eyes applies to it', async () => {
    const conversation = {
      tenantId: FE,
      userId: `u-${randomUUID().slice(0, 6)}`,
      sessionId: randomUUID().slice(0, 8),
      options: { size: '256x256', maxRounds: 1 },
    };
    const accepted = await submitTurn(env.client, env.config, conversation, { request: 'a paper lantern' });
    const session = env.client.workflow.getHandle(sessionWorkflowId(env.config.ids.key, conversation.tenantId, conversation.userId, conversation.sessionId));
    const candidateKey = await pending(accepted.workflowId);
    const turn = env.client.workflow.getHandle(accepted.workflowId);
    await expect(turn.executeUpdate(reviewUpdate, { args: [{ decision: 'approve', candidateKey, reviewer: 'ceo' }] })).rejects.toMatchObject({
      cause: { message: expect.stringMatching(/^unsigned decision/) },
    });
    // The turn's requester (an operator named after the user) cannot approve it; another principal can.
    await expect(
      reviewGeneration(gen(), accepted.workflowId, { decision: 'approve', candidateKey }, randomUUID(), FE, `operator-${conversation.userId}`),
    ).rejects.toMatchObject({
      cause: { message: expect.stringMatching(/four-eyes policy/) },
    });
    await reviewGeneration(gen(), accepted.workflowId, { decision: 'approve', candidateKey }, randomUUID(), FE, 'rita');
    const result: GenerateImageResult = await turn.result();
    expect(result.decisions).toEqual([expect.objectContaining({ reviewer: 'rita', signed: true })]);
    await eventually(async () => expect((await session.query(sessionQuery)).turns[0]?.status).toBe('done'), 30_000);
  });

  test('a decision signed for one run is refused on the run a reset made of it', async () => {
    const { id: workflowId, candidateKey } = await startWaitingRun(api, ALICE, { request: 'a glass teapot', userId: 'alice' });
    const handle = env.client.workflow.getHandle(workflowId);
    const { runId } = await handle.describe();
    const waitingAt = (await handle.fetchHistory()).events!.filter((e) => e.workflowTaskCompletedEventAttributes).at(-1)!.eventId!;
    // The decision a reviewer's API call made on the first run (signed as the API signs).
    const at = new Date().toISOString();
    const fields = { workflowId, kind: 'result' as const, decision: 'approve', candidateKey, principal: 'rita', at };
    const decision: ReviewDecision = {
      decision: 'approve',
      candidateKey,
      reviewer: 'rita',
      principal: 'rita',
      at,
      signatureV2: reviewSigner(env.config).sign({ ...fields, runId, decisionId: 'decision-1' }, 2),
      decisionId: 'decision-1',
    };
    await handle.executeUpdate(reviewUpdate, { args: [decision], updateId: 'decision-1' });
    await handle.result();
    // An operator resets the run to before the decision: the new run waits again…
    const reset = await env.client.workflowService.resetWorkflowExecution({
      namespace: env.config.temporal.namespace,
      workflowExecution: { workflowId, runId },
      reason: 'test: replay a decision',
      workflowTaskFinishEventId: waitingAt,
      requestId: randomUUID(),
    });
    const again = env.client.workflow.getHandle(workflowId, reset.runId!);
    await pending(workflowId);
    // …and the old run's decision, sent again as an update or a signal, is refused.
    await expect(again.executeUpdate(reviewUpdate, { args: [decision], updateId: 'decision-1-replayed' })).rejects.toMatchObject({
      cause: { message: expect.stringMatching(/^badly signed decision/) },
    });
    await again.signal(reviewSignal, decision);
    await eventually(async () => {
      const s = await again.query(statusQuery);
      expect(s.approval).toBe('pending');
      const events = (await again.fetchHistory()).events!;
      const signalled = events.findIndex((e) => e.workflowExecutionSignaledEventAttributes);
      expect(signalled).toBeGreaterThan(0);
      expect(events.slice(signalled).some((e) => e.workflowTaskCompletedEventAttributes)).toBe(true);
    }, 30_000);
    await again.cancel();
  });
});
