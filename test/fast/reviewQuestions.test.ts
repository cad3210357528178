/**
 * The respond action (workflows/generate/review/reviewQuestions.ts) on the time-skipping server: a reviewer's question
 * to a waiting run is answered by one answerReviewQuestion activity from the run's context, with no render, critique
 * or planning; the run keeps waiting and is still decided as before. The validator refuses empty, over-long and
 * control-character questions, a run not waiting for a decision, and questions past the run's limit; a model that is
 * down fails the question in bounded time, naming why, and leaves the run waiting.
 */
import { randomUUID } from 'node:crypto';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import type { GenerateImageInput } from '../../common/request';
import { MAX_REVIEW_QUESTIONS } from '../../common/reviewRules';
import type { RunReport } from '../../common/runResult';
import { ModelRateLimitedError } from '../../providers/modelErrors';
import { generateImage } from '../../workflows';
import { askAgentUpdate, reviewUpdate, statusQuery, type RunStatus } from '../../workflows/generate/generationMessages';
import { addedActivities, scheduledActivities } from '../support/activityCounts';
import { generateInput, scriptedWorld } from './support/runs';
import { startFastEnv, type FakeWorld, type FastEnv, type WorkerOptions } from './support/timeSkippingEnv';

let fast: FastEnv;
beforeAll(async () => {
  fast = await startFastEnv();
});
afterAll(() => fast?.teardown());

const WAITING = { review: { required: true, onTimeout: 'expire' as const, timeout: '1 day' } };

function withRun<T>(
  input: Partial<GenerateImageInput>,
  fn: (handle: WorkflowHandle<typeof generateImage>, world: FakeWorld) => Promise<T>,
  options: WorkerOptions & { world?: FakeWorld } = {},
): Promise<T> {
  const world = options.world ?? scriptedWorld([['fail']]);
  return fast.withWorkers(
    async (taskQueue) =>
      fn(await fast.env.client.workflow.start(generateImage, { taskQueue, workflowId: `ask-${randomUUID()}`, args: [generateInput(input)] }), world),
    { ...options, world },
  );
}

async function waiting(handle: WorkflowHandle<typeof generateImage>): Promise<RunStatus> {
  for (;;) {
    const status = await handle.query(statusQuery);
    if (status.pendingReview) return status;
    await new Promise((r) => setTimeout(r, 100));
  }
}

const refusal = (handle: WorkflowHandle<typeof generateImage>, question: unknown) =>
  handle.executeUpdate(askAgentUpdate, { args: [question as never] }).then(
    () => 'accepted',
    (err: unknown) => (err instanceof WorkflowUpdateFailedError ? String(err.cause?.message) : `not refused by the run: ${String(err)}`),
  );

test('a question on a waiting run is answered from its context by one activity, with no render; the run still waits and is decided as before', async () => {
  const { result, world } = await withRun(WAITING, async (handle, world) => {
    const before = await waiting(handle);
    const scheduled = await scheduledActivities(handle);
    const answer = await handle.executeUpdate(askAgentUpdate, { args: [{ question: 'What colour is the bicycle, and why?', reviewer: 'rita' }] });
    // The offline respondent says it is offline, and quotes the run's own context.
    expect(answer.answer).toMatch(/^OFFLINE ANSWER \(no model was asked\)/);
    expect(answer.answer).toContain('a red bicycle leaning on a wall');
    expect(answer).toMatchObject({ by: 'rita', gate: 'result', candidateKey: before.pendingReview!.candidateKey, provider: 'offline', remaining: 19 });
    expect(answer.usage.calls).toBe(1);
    // Exactly one more activity, the answer: nothing planned, composed, rendered or judged again.
    expect(addedActivities(scheduled, await scheduledActivities(handle))).toEqual({ answerReviewQuestion: 1 });
    const after = await handle.query(statusQuery);
    expect(after.pendingReview).toEqual(before.pendingReview);
    expect(after.approval).toBe('pending');
    expect(after.candidates).toHaveLength(before.candidates.length);
    expect(after.decisions).toEqual([]);
    expect(after.usage.calls).toBe(before.usage.calls + 1);
    expect(after.questions).toEqual([
      {
        question: 'What colour is the bicycle, and why?',
        answer: answer.answer,
        sources: [],
        by: 'rita',
        at: expect.any(String),
        gate: 'result',
        candidateKey: before.pendingReview!.candidateKey,
        provider: 'offline',
      },
    ]);
    await handle.executeUpdate(reviewUpdate, { args: [{ decision: 'approve', candidateKey: before.pendingReview!.candidateKey!, reviewer: 'rita' }] });
    return { result: await handle.result(), world };
  });
  expect(result.outcome).toBe('completed');
  expect(result.decisions).toMatchObject([{ decision: 'approve', reviewer: 'rita' }]);
  const report = JSON.parse((await world.store.get(result.reportKey!)).toString()) as RunReport;
  expect(report.questions).toMatchObject([{ question: 'What colour is the bicycle, and why?', by: 'rita', provider: 'offline' }]);
  expect(report.calls.filter((c) => c.purpose === 'answer_review_question')).toHaveLength(1);
});

test('a run waiting for its plan takes questions too: the context has the plan and no candidate', async () => {
  await withRun({ review: { required: false, planApproval: true, onTimeout: 'expire', timeout: '1 day' } }, async (handle) => {
    await waiting(handle);
    const answer = await handle.executeUpdate(askAgentUpdate, { args: [{ question: 'Is anything rendered yet?' }] });
    expect(answer).toMatchObject({ gate: 'plan', by: 'anonymous', provider: 'offline' });
    expect(answer.answer).toContain('nothing is rendered yet');
    expect((await handle.query(statusQuery)).pendingReview?.kind).toBe('plan');
    await handle.terminate('done');
  });
});

test('the validator refuses an empty, too long or control-character question, and nothing is recorded or scheduled', async () => {
  await withRun(WAITING, async (handle) => {
    await waiting(handle);
    const scheduled = await scheduledActivities(handle);
    expect(await refusal(handle, { question: '' })).toMatch(/the question is empty/);
    expect(await refusal(handle, { question: '   \n ' })).toMatch(/the question is empty/);
    expect(await refusal(handle, { question: 'x'.repeat(2001) })).toMatch(/question is longer than 2000 characters/);
    expect(await refusal(handle, { question: 'why\u0000' })).toMatch(/question contains the control character U\+0000/);
    expect(await refusal(handle, { question: 'ok?', reviewer: 'r'.repeat(200) })).toMatch(/reviewer must be a name/);
    expect(await refusal(handle, {})).toMatch(/the question is empty/);
    expect(addedActivities(scheduled, await scheduledActivities(handle))).toEqual({});
    expect((await handle.query(statusQuery)).questions).toEqual([]);
    await handle.terminate('done');
  });
});

test('a run that is not waiting for a decision refuses questions', async () => {
  let release!: () => void;
  const planning = new Promise<void>((r) => (release = r));
  let started!: () => void;
  const atPlanning = new Promise<void>((r) => (started = r));
  await withRun(
    WAITING,
    async (handle) => {
      await atPlanning;
      expect(await refusal(handle, { question: 'why this palette?' })).toMatch(
        /not waiting for a review \(approval: pending\)|not waiting for a review \(approval: not_required\)/,
      );
      release();
      await waiting(handle);
      await handle.terminate('done');
    },
    {
      overrides: (real) => ({
        planContext: async (input) => {
          started();
          await planning;
          return real.planContext(input);
        },
      }),
    },
  );
});

test(`a run answers at most ${MAX_REVIEW_QUESTIONS} questions; the next is refused and costs nothing`, async () => {
  await withRun(WAITING, async (handle) => {
    await waiting(handle);
    for (let i = 1; i <= MAX_REVIEW_QUESTIONS; i++) {
      const answer = await handle.executeUpdate(askAgentUpdate, { args: [{ question: `question ${i} about the bicycle` }] });
      expect(answer.remaining).toBe(MAX_REVIEW_QUESTIONS - i);
    }
    const scheduled = await scheduledActivities(handle);
    expect(scheduled.answerReviewQuestion).toBe(MAX_REVIEW_QUESTIONS);
    expect(await refusal(handle, { question: 'one more?' })).toMatch(/question limit: a run takes 20 questions/);
    expect(addedActivities(scheduled, await scheduledActivities(handle))).toEqual({});
    const status = await handle.query(statusQuery);
    expect(status.questions).toHaveLength(MAX_REVIEW_QUESTIONS);
    expect(status.approval).toBe('pending');
    await handle.terminate('done');
  });
}, 120_000);

test('with the model down, the question fails within its bounded time, naming why; the run still waits and is decided', async () => {
  const world = scriptedWorld([['fail']]);
  let attempts = 0;
  world.models = {
    ...world.models,
    respondent: {
      respond: () => {
        attempts += 1;
        return Promise.reject(new ModelRateLimitedError('the vendor is overloaded at 10.0.0.5:8000'));
      },
    },
  };
  const result = await withRun(
    WAITING,
    async (handle) => {
      const before = await waiting(handle);
      const asked = handle.executeUpdate(askAgentUpdate, { args: [{ question: 'which source says so?' }] }).catch((e: unknown) => e);
      // Nobody awaits the run's result, so time skips only when asked to: past the question's three minutes.
      while (!attempts) await new Promise((r) => setTimeout(r, 50));
      await fast.env.sleep('4 minutes');
      const err = await asked;
      expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
      const cause = (err as WorkflowUpdateFailedError).cause as { type?: string; message: string };
      expect(cause.type).toBe('ReviewQuestionUnanswered');
      expect(cause.message).toBe('the agent could not answer: the model did not answer within 3 minutes; the run still waits for its decision');
      expect(attempts).toBeGreaterThan(1);
      const after = await handle.query(statusQuery);
      expect(after.pendingReview).toEqual(before.pendingReview);
      expect(after.questions).toEqual([]);
      await handle.executeUpdate(reviewUpdate, { args: [{ decision: 'approve', candidateKey: before.pendingReview!.candidateKey! }] });
      return handle.result();
    },
    { world },
  );
  expect(result.outcome).toBe('completed');
});
