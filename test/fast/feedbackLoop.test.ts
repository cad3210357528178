/**
 * The feedback loop's stop rules (workflows/generate/loop/feedbackLoop.ts) through the real GenerateImage workflow on the
 * time-skipping server: the critic is scripted, everything else is the offline providers.
 */
import type { AgentActivities } from '../../activities';
import { critiqueCounts } from '../../common/generation';
import { runGenerate, scriptedWorld } from './support/runs';
import { fakeWorld, startFastEnv, type FastEnv } from './support/timeSkippingEnv';

/** The offline checklist planner makes an item of each quoted text, so this request has three. */
const SEVERAL_ITEMS = "a bicycle poster with the text 'Ride' and the text 'Go'";

let fast: FastEnv;
beforeAll(async () => {
  fast = await startFastEnv();
});
afterAll(() => fast?.teardown());

test('every item passing in the first round stops the loop: all_passed, one candidate', async () => {
  const world = scriptedWorld([['pass']]);
  const result = await runGenerate(fast, {}, { world });
  expect(result.images[0]!.stoppedBecause).toBe('all_passed');
  expect(result.images[0]!.candidates).toHaveLength(1);
  expect(world.critic.calls).toBe(1);
  expect(result.outcome).toBe('completed');
});

test('failing items every round stop at maxRounds (3 by default), each round critiqued', async () => {
  const world = scriptedWorld([['fail']]);
  const result = await runGenerate(fast, {}, { world });
  expect(result.images[0]!.stoppedBecause).toBe('max_rounds');
  expect(result.images[0]!.candidates.map((c) => c.round)).toEqual([1, 2, 3]);
  expect(world.critic.calls).toBe(3);
});

test('maxRounds bounds the renders: 1 round, then 5 rounds', async () => {
  const one = await runGenerate(fast, { options: { maxRounds: 1 } }, { world: scriptedWorld([['fail']]) });
  expect(one.images[0]!.stoppedBecause).toBe('max_rounds');
  expect(one.images[0]!.candidates).toHaveLength(1);
  const five = await runGenerate(fast, { options: { maxRounds: 5 } }, { world: scriptedWorld([['fail']]) });
  expect(five.images[0]!.candidates).toHaveLength(5);
});

test('a fail then a full pass stops in round 2 with the passing candidate as final', async () => {
  const world = scriptedWorld([['fail'], ['pass']]);
  const result = await runGenerate(fast, {}, { world });
  expect(result.images[0]!.stoppedBecause).toBe('all_passed');
  expect(result.images[0]!.candidates).toHaveLength(2);
  expect(result.final!.round).toBe(2);
  expect(critiqueCounts(result.final!.critique!).failed).toBe(0);
});

test('nothing failed but items unverified: the loop stops (unverified), another round could not help', async () => {
  const world = scriptedWorld([['unverified']]);
  const result = await runGenerate(fast, {}, { world });
  expect(result.images[0]!.stoppedBecause).toBe('unverified');
  expect(result.images[0]!.candidates).toHaveLength(1);
});

test('passes mixed with unverified items (no failure) also stop as unverified, not all_passed', async () => {
  const world = scriptedWorld([['pass', 'unverified']]);
  const result = await runGenerate(fast, { request: SEVERAL_ITEMS }, { world });
  expect(result.checklist.length).toBeGreaterThanOrEqual(2);
  expect(result.images[0]!.stoppedBecause).toBe('unverified');
});

test('the noFeedback ablation renders once and never asks the critic', async () => {
  const world = scriptedWorld([['fail']]);
  const result = await runGenerate(fast, { options: { ablations: { noFeedback: true } } }, { world });
  expect(result.images[0]!.stoppedBecause).toBe('no_feedback');
  expect(result.images[0]!.candidates).toHaveLength(1);
  expect(world.critic.calls).toBe(0);
});

test('the best candidate (most items passed) is final when no round passes everything', async () => {
  const world = scriptedWorld([['pass', 'fail'], ['fail'], ['fail']]);
  const result = await runGenerate(fast, { request: SEVERAL_ITEMS }, { world });
  expect(result.checklist.length).toBeGreaterThanOrEqual(2);
  expect(result.images[0]!.stoppedBecause).toBe('max_rounds');
  expect(result.final!.round).toBe(1);
});

test("a round's failed items become the next compose's feedback, with the previous prompt", async () => {
  const world = scriptedWorld([['fail'], ['pass']]);
  const seen: Parameters<AgentActivities['composePrompt']>[0][] = [];
  const overrides = (real: AgentActivities): Partial<AgentActivities> => ({
    composePrompt: (input) => {
      seen.push(input);
      return real.composePrompt(input);
    },
  });
  const result = await runGenerate(fast, {}, { world, overrides });
  expect(seen).toHaveLength(2);
  expect(seen[0]!.feedback).toBeUndefined();
  expect(seen[1]!.feedback!.round).toBe(1);
  expect(seen[1]!.feedback!.previousPrompt).toBe(result.images[0]!.candidates[0]!.context.prompt);
  expect(seen[1]!.feedback!.failed.map((f) => f.statement)).toEqual(result.checklist.map((c) => c.statement));
});

test('a critic that stays down past the outage window keeps the image: critique_unavailable, every item unverified', async () => {
  const world = fakeWorld();
  world.models = {
    ...world.models,
    critic: { provider: 'offline', model: 'down', critique: () => Promise.reject(new Error('critic endpoint unreachable')) },
  };
  const result = await runGenerate(fast, { options: { outageWindow: '2 minutes' } }, { world });
  expect(result.outcome).toBe('completed');
  expect(result.images[0]!.stoppedBecause).toBe('critique_unavailable');
  const critique = result.final!.critique!;
  expect(critiqueCounts(critique).unverified).toBe(critique.total);
  expect(result.final!.image.key).toBeTruthy();
});

test('every candidate image is kept in object storage under the tenant', async () => {
  const world = scriptedWorld([['fail']]);
  const result = await runGenerate(fast, {}, { world });
  for (const c of result.images[0]!.candidates) {
    expect(world.store.objects.has(c.image.key)).toBe(true);
    expect(c.image.key.startsWith('tenants/fast/')).toBe(true);
  }
});
