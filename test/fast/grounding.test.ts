/**
 * Grounding (workflows/generate/ground/groundContext.ts, groundQuestion.ts) and an image set's DAG (workflows/generate/images/imageSet.ts,
 * dagRunner.ts) through GenerateImage on the time-skipping server, with a scripted plan: a source that
 * stays down past the outage window degrades the run instead of failing it, and the retries' waits are
 * skipped, not slept.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { AgentActivities } from '../../activities';
import type { ContextPlan, PlannedImage, PlannedQuestion } from '../../common/plan';
import { runGenerate, scriptedWorld } from './support/runs';
import { startFastEnv, type FakeWorld, type FastEnv } from './support/timeSkippingEnv';

let fast: FastEnv;
beforeAll(async () => {
  fast = await startFastEnv();
});
afterAll(() => fast?.teardown());

const WINDOW = { outageWindow: '2 minutes' };

function question(id: string, route: PlannedQuestion['route'], dependsOn: string[] = []): PlannedQuestion {
  return { id, question: `What about ${id}?`, route, dependsOn, rationale: 'scripted' };
}

function image(id: string, dependsOn: string[] = []): PlannedImage {
  return { id, brief: `image ${id}`, dependsOn };
}

/** A world whose planner returns `plan` and whose critic passes everything. */
function planned(plan: Partial<ContextPlan>): FakeWorld {
  const world = scriptedWorld([['pass']]);
  const value: ContextPlan = { intent: 'scripted', questions: [], images: [image('main')], ...plan };
  world.models = { ...world.models, planner: { planContext: () => Promise.resolve({ value, calls: [] }) } };
  return world;
}

const down = (what: string) => () => Promise.reject(new Error(`${what} is down`));

describe('grounding degrades, never fails the run', () => {
  test.each([
    ['web_search', 'searchWeb'],
    ['image_search', 'searchImages'],
    ['reason', 'reasonQuestion'],
  ] as const)('a %s source down past the window leaves its question unanswered with the reason; the run completes', async (route, activity) => {
    const world = planned({ questions: [question('q1', route)] });
    const result = await runGenerate(fast, { options: WINDOW }, { world, overrides: { [activity]: down(route) } });
    expect(result.outcome).toBe('completed');
    expect(result.answers).toMatchObject([{ questionId: 'q1', status: 'no_answer' }]);
    expect(result.answers[0]!.note).toContain(`the ${route} source failed after its retries`);
    expect(result.final).toBeDefined();
  });

  test('a memory question whose store is down is recorded as a degradation of grounding', async () => {
    const world = planned({ questions: [question('m1', 'memory')] });
    const result = await runGenerate(fast, { options: WINDOW }, { world, overrides: { recallMemory: down('memory') } });
    expect(result.outcome).toBe('completed');
    expect(result.degraded).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ stage: 'ground', dependency: 'memory', reason: expect.stringContaining('question m1 went unanswered') }),
      ]),
    );
    expect(result.degraded!.some((d) => d.reason.includes('user profile could not be loaded'))).toBe(true);
  });

  test('one failed source leaves the others answered', async () => {
    // The offline reasoner works arithmetic out.
    const world = planned({ questions: [question('w', 'web_search'), { ...question('r', 'reason'), question: 'What is 3²−2?' }] });
    const result = await runGenerate(fast, { options: WINDOW }, { world, overrides: { searchWeb: down('search') } });
    expect(result.answers.find((a) => a.questionId === 'w')!.status).toBe('no_answer');
    expect(result.answers.find((a) => a.questionId === 'r')!.answer).toBe('7');
  });

  test('a non-retryable failure is not retried: one attempt, then the question is unanswered', async () => {
    let attempts = 0;
    const world = planned({ questions: [question('w', 'web_search')] });
    const searchWeb: AgentActivities['searchWeb'] = () => {
      attempts += 1;
      return Promise.reject(ApplicationFailure.nonRetryable('the backend refused the query', 'InvalidInput'));
    };
    const result = await runGenerate(fast, { options: WINDOW }, { world, overrides: { searchWeb } });
    expect(attempts).toBe(1);
    expect(result.answers[0]!.status).toBe('no_answer');
  });

  test('ablations skip their sources without calling them', async () => {
    const calls: string[] = [];
    const world = planned({ questions: [question('w', 'web_search'), question('i', 'image_search'), question('r', 'reason')] });
    const record = (name: string) => () => {
      calls.push(name);
      return Promise.reject(new Error('must not be called'));
    };
    const result = await runGenerate(
      fast,
      { options: { ...WINDOW, ablations: { noSearch: true, noReason: true, noMemory: true } } },
      { world, overrides: { searchWeb: record('web'), searchImages: record('images'), reasonQuestion: record('reason'), recallMemory: record('memory') } },
    );
    expect(calls).toEqual([]);
    expect(result.answers.map((a) => a.status)).toEqual(['skipped', 'skipped', 'skipped']);
    expect(result.degraded ?? []).toEqual([]);
  });

  test('a dependent question starts after its parent and receives its answer', async () => {
    const order: string[] = [];
    const parentsOf = new Map<string, string[]>();
    const world = planned({ questions: [question('a', 'reason'), question('b', 'reason', ['a']), question('c', 'reason', ['b'])] });
    const overrides = (real: AgentActivities): Partial<AgentActivities> => ({
      reasonQuestion: async (input) => {
        order.push(`start ${input.question.id}`);
        parentsOf.set(
          input.question.id,
          input.parents.map((p) => p.questionId),
        );
        const answer = await real.reasonQuestion(input);
        order.push(`end ${input.question.id}`);
        return answer;
      },
    });
    await runGenerate(fast, {}, { world, overrides });
    expect(order).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
    expect(parentsOf.get('b')).toEqual(['a']);
    expect(parentsOf.get('c')).toEqual(['b']);
    expect(parentsOf.get('a')).toEqual([]);
  });

  test('independent questions all start before any of them ends', async () => {
    const order: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const world = planned({ questions: [question('x', 'reason'), question('y', 'reason'), question('z', 'reason')] });
    const overrides = (real: AgentActivities): Partial<AgentActivities> => ({
      reasonQuestion: async (input) => {
        order.push(`start ${input.question.id}`);
        if (order.length === 3) release();
        await gate;
        order.push(`end ${input.question.id}`);
        return real.reasonQuestion(input);
      },
    });
    await runGenerate(fast, {}, { world, overrides });
    expect(order.slice(0, 3).sort()).toEqual(['start x', 'start y', 'start z']);
  });
});

describe('an image set runs in dependency order', () => {
  /** Records each image's compose starts, ends and references. */
  function composeLog() {
    const events: string[] = [];
    const references = new Map<string, string[]>();
    const overrides = (real: AgentActivities): Partial<AgentActivities> => ({
      composePrompt: async (input) => {
        events.push(`start ${input.image.id}`);
        references.set(
          input.image.id,
          input.references.map((r) => r.key),
        );
        const out = await real.composePrompt(input);
        events.push(`end ${input.image.id}`);
        return out;
      },
    });
    return { events, references, overrides };
  }

  test('a chain a → b → c renders each after its parent, with the parent final as a reference', async () => {
    const log = composeLog();
    const world = planned({ images: [image('a'), image('b', ['a']), image('c', ['b'])] });
    const result = await runGenerate(fast, {}, { world, overrides: log.overrides });
    expect(result.images.map((i) => i.imageId)).toEqual(['a', 'b', 'c']);
    expect(log.events).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
    expect(log.references.get('b')).toContain(result.images[0]!.final.image.key);
    expect(log.references.get('c')).toContain(result.images[1]!.final.image.key);
    expect(log.references.get('a')).not.toContain(result.images[1]!.final.image.key);
  });

  test('siblings of one cover both start after it, and the results keep the plan order', async () => {
    const log = composeLog();
    const world = planned({ images: [image('cover'), image('left', ['cover']), image('right', ['cover'])] });
    const result = await runGenerate(fast, {}, { world, overrides: log.overrides });
    expect(result.images.map((i) => i.imageId)).toEqual(['cover', 'left', 'right']);
    const at = (e: string) => log.events.indexOf(e);
    expect(at('end cover')).toBeLessThan(at('start left'));
    expect(at('end cover')).toBeLessThan(at('start right'));
    for (const side of ['left', 'right']) expect(log.references.get(side)).toContain(result.images[0]!.final.image.key);
  });

  test('each image of a set runs its own feedback loop to its own stop rule', async () => {
    const world = planned({ images: [image('one'), image('two', ['one'])] });
    const result = await runGenerate(fast, {}, { world });
    expect(result.images.map((i) => i.stoppedBecause)).toEqual(['all_passed', 'all_passed']);
    expect(result.images.map((i) => i.imageIndex)).toEqual([0, 1]);
  });
});
