/**
 * The agent's routes against a (fake) OpenAI-compatible endpoint, over real HTTP, on the real stack:
 * reason, web search, image search, memory, feedback, none-pass, refusal, concurrency, invalid output.
 */
import { createHash, randomUUID } from 'node:crypto';
import { WorkflowFailedError } from '@temporalio/client';
import sharp from 'sharp';
import type { GenerateImageInput, GenerateOptions } from '../common/request';
import type { GenerateImageResult, RunReport } from '../common/runResult';
import { rootFailure } from '../common/describeFailure';
import { scriptAgentDefaults } from './fakeOpenAI/agentDefaults';
import { FakeOpenAIServer, maxConcurrent, schemaName, userTextOf, type RecordedRequest } from './fakeOpenAI/fakeOpenAIServer';
import { articleHtml, FakeSearchServer } from './support/fakeSearchServer';
import { dumpHistory, findImageBytes } from './support/history';
import { startTestEnv, type TestEnv } from './support/testEnv';
import { generateImage } from '../workflows/generate/generateImage';

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

describe('the agent against an OpenAI-compatible endpoint', () => {
  let fake: FakeOpenAIServer;
  let search: FakeSearchServer;
  let env: TestEnv;
  let characterPng: Buffer;

  beforeAll(async () => {
    fake = await new FakeOpenAIServer().start();
    characterPng = await sharp({ create: { width: 64, height: 96, channels: 3, background: { r: 200, g: 80, b: 40 } } })
      .png()
      .toBuffer();
    search = await new FakeSearchServer({
      pages: [
        {
          path: '/forecast/hangzhou-2026-11-28',
          title: 'Hangzhou forecast for 28 November 2026',
          html: articleHtml('Hangzhou forecast for 28 November 2026', [
            'Hangzhou on Saturday 28 November 2026: light rain in the morning, clearing in the afternoon, high 14 °C, low 8 °C.',
            'Winds from the north-east at 10 to 15 km/h; humidity 82 percent.',
          ]),
        },
      ],
      images: [
        { path: '/img/mira.png', title: 'Mira the lantern keeper, official character art', png: characterPng, pageUrl: 'https://example.org/wiki/mira' },
      ],
    }).start();
    env = await startTestEnv({
      name: 'agent',
      fake,
      env: { WEB_SEARCH_BACKEND: 'searxng', IMAGE_SEARCH_BACKEND: 'searxng', SEARXNG_URL: search.base, WEB_FETCH_ALLOW_HOSTS: search.hostPort },
    });
  });
  afterAll(async () => {
    await env?.stop();
    await search?.stop();
    await fake?.stop();
  });
  beforeEach(() => {
    fake.reset();
  });

  const tenant = `t-${randomUUID().slice(0, 8)}`;
  function input(request: string, extra: Partial<GenerateImageInput> = {}, options: Partial<GenerateOptions> = {}): GenerateImageInput {
    return { request, tenantId: tenant, userId: 'alice', ...extra, options: { size: '256x256', ...options } };
  }
  function run(i: GenerateImageInput, workflowId = `agent-${randomUUID()}`): Promise<GenerateImageResult> {
    return env.client.workflow.execute(generateImage, { taskQueue: env.taskQueue, workflowId, args: [i] });
  }
  const calls = (schema: string): RecordedRequest[] => fake.requestsFor('chat').filter((r) => schemaName(r) === schema);
  const plan = (questions: { id: string; question: string; route: string; dependsOn?: string[] }[], images?: unknown[], sharedStyle?: string) =>
    fake.script({
      route: 'chat',
      schema: 'context_plan',
      reply: {
        json: {
          intent: 'test',
          questions: questions.map((q) => ({ dependsOn: [], rationale: 'test', ...q })),
          images: images ?? [{ id: 'image-1', brief: 'the image', dependsOn: [] }],
          sharedStyle,
        },
      },
    });

  test('reason: the reasoned answer reaches the composed prompt', async () => {
    plan([{ id: 'q1', question: 'How many apples is 3²−2?', route: 'reason' }]);
    fake.script({ route: 'chat', schema: 'reason_answer', reply: { json: { answer: '7', items: ['exactly 7 apples in the basket'] } } });
    scriptAgentDefaults(fake);
    const result = await run(input('a basket with as many apples as 3²−2'));
    expect(result.providers).toBe('openai');
    expect(result.answers).toMatchObject([{ questionId: 'q1', route: 'reason', status: 'answered', answer: '7' }]);
    expect(userTextOf(calls('generation_context')[0]!)).toContain('exactly 7 apples in the basket');
    expect(result.final!.context.prompt).toContain('exactly 7 apples in the basket');
    expect(calls('reason_answer')[0]!.body.model).toBe(env.config.models.roles.reasoner);
  });

  test('web search: pages are fetched and read, and the answer keeps its source URL into the recorded context', async () => {
    plan([{ id: 'q1', question: 'Hangzhou weather forecast for 2026-11-28', route: 'web_search' }]);
    scriptAgentDefaults(fake);
    const result = await run(input('a forecast card for Hangzhou on 28 November 2026'));
    const pageUrl = `${search.base}/forecast/hangzhou-2026-11-28`;
    expect(search.queries[search.queries.length - 1]).toMatchObject({ category: 'general' });
    // The summariser saw the readable article text, not the navigation or footer.
    const summarize = userTextOf(calls('evidence_summary')[0]!);
    expect(summarize).toContain('high 14 °C, low 8 °C');
    expect(summarize).not.toContain('Privacy · Cookies');
    expect(result.answers[0]!.items[0]!.sources[0]!.url).toBe(pageUrl);
    expect(userTextOf(calls('generation_context')[0]!)).toContain(pageUrl);
    const report = await env.store.getJson<RunReport>(result.reportKey!);
    expect(report.result.answers[0]!.items[0]!.sources).toEqual([{ url: pageUrl, title: expect.any(String) }]);
    expect(report.calls.map((c) => c.purpose)).toEqual(expect.arrayContaining(['plan_context', 'summarize_evidence', 'compose_prompt', 'critique_image']));
  });

  test('image search: the kept reference is stored in S3 and sent to the edit call', async () => {
    plan([{ id: 'q1', question: 'What does Mira from Lanterns of Lowtide look like?', route: 'image_search' }]);
    scriptAgentDefaults(fake);
    const result = await run(input('Mira from Lanterns of Lowtide drinking coffee in a café'));
    const ref = result.answers[0]!.references[0]!;
    expect(ref.key).toMatch(/\/references\/q1-0\.png$/);
    const stored = await env.store.get(ref.key);
    expect(sha256(await sharp(stored).raw().toBuffer())).toBe(sha256(await sharp(characterPng).raw().toBuffer()));
    expect(fake.requestsFor('images.generate')).toHaveLength(0);
    const [edit] = fake.requestsFor('images.edit');
    expect(edit!.files.map((f) => f.sha256)).toContain(sha256(stored));
    expect(result.final!.renderedBy.mode).toBe('edit');
    expect(result.answers[0]!.items[0]!.sources[0]!.url).toBe('https://example.org/wiki/mira');
  });

  test('memory: a profile fact learnt in one session shapes a later session’s prompt', async () => {
    const userId = `nurse-${randomUUID().slice(0, 6)}`;
    scriptAgentDefaults(fake);
    fake.script({ route: 'chat', schema: 'profile_update', times: 1, reply: { json: { profession: 'paediatric nurse', preferredStyle: 'watercolour' } } });
    const first = await run(input("I'm a paediatric nurse who loves watercolour. Draw a sunflower.", { userId, sessionId: 's1' }));
    expect(first.remembered).toMatchObject({ turnInserted: true, profileApplied: true });

    fake.reset();
    plan([{ id: 'q1', question: 'Who is the user and what is their usual style?', route: 'memory' }]);
    scriptAgentDefaults(fake);
    const later = await run(input('draw me at work, in my usual style', { userId, sessionId: 's2' }));
    const composeText = userTextOf(calls('generation_context')[0]!);
    expect(composeText).toContain('paediatric nurse');
    expect(composeText).toContain('watercolour');
    expect(later.answers[0]!.items.map((i) => i.text)).toEqual(
      expect.arrayContaining(["the user's profession: paediatric nurse", "the user's usual style: watercolour"]),
    );
    // The earlier turn ("Draw a sunflower") was recalled by full-text/embedding search, but it is not about this
    // request: the relevance gate drops it, recorded, and only the profile's preferences shape the prompt.
    expect(later.memory!.turns).toEqual([]);
    expect(later.answers[0]!.relevance!.dropped.map((d) => d.label)).toEqual([expect.stringMatching(/^memory:\/\/turns\//)]);
    expect(composeText).not.toContain('sunflower');
  });

  test('feedback: round 1 fails an item and round 2 passes, with exactly 2 renders', async () => {
    fake.script(
      {
        route: 'chat',
        schema: 'checklist',
        reply: { json: { items: [{ statement: 'The basket holds exactly 7 apples' }, { statement: 'The label reads "Fresh"' }] } },
      },
      {
        route: 'chat',
        schema: 'critique',
        times: 1,
        reply: {
          json: {
            results: [
              { item: 1, pass: false, reason: 'only 5 apples are visible' },
              { item: 2, pass: true, reason: 'label ok' },
            ],
          },
        },
      },
    );
    scriptAgentDefaults(fake);
    const workflowId = `agent-feedback-${randomUUID()}`;
    const result = await run(input('a basket with 7 apples labelled "Fresh"'), workflowId);
    expect(fake.requestsFor('images.generate')).toHaveLength(2);
    const [c1, c2] = result.images[0]!.candidates;
    expect([c1!.critique!.passed, c2!.critique!.passed]).toEqual([1, 2]);
    expect(result.images[0]!.stoppedBecause).toBe('all_passed');
    expect(result.final!.round).toBe(2);
    const secondCompose = userTextOf(calls('generation_context')[1]!);
    expect(secondCompose).toContain('The basket holds exactly 7 apples (only 5 apples are visible)');

    const dump = await dumpHistory(env.client.workflow.getHandle(workflowId));
    console.log(`feedback run history: ${dump.events} events, ${dump.bytes} bytes`);
    expect(findImageBytes(dump)).toEqual([]);
    // The API key configured for the workers never reaches the history.
    expect(dump.payloadTexts.join('\n')).not.toContain('sk-test-fake-key');
  });

  test('none pass: 3 rounds, every candidate kept, the one with most items passed returned', async () => {
    const passes = [1, 2, 1];
    let round = 0;
    fake.script(
      {
        route: 'chat',
        schema: 'checklist',
        reply: { json: { items: [{ statement: 'a red door' }, { statement: 'a blue roof' }, { statement: 'a green lawn' }] } },
      },
      {
        route: 'chat',
        schema: 'critique',
        reply: () => {
          const n = passes[round++]!;
          return { json: { results: [1, 2, 3].map((item) => ({ item, pass: item <= n, reason: item <= n ? 'ok' : 'missing' })) } };
        },
      },
    );
    scriptAgentDefaults(fake);
    const result = await run(input('an impossible picture'));
    expect(fake.requestsFor('images.generate')).toHaveLength(3);
    expect(result.images[0]!.stoppedBecause).toBe('max_rounds');
    expect(result.final!.round).toBe(2);
    expect(result.final!.critique!.passed).toBe(2);
    for (const c of result.images[0]!.candidates) await expect(env.store.exists(c.image.key)).resolves.toBe(true);
  });

  test('a content-policy refusal fails the run clearly, without retries', async () => {
    fake.script({
      route: 'images.generate',
      fault: {
        status: 400,
        error: {
          message: 'Your request was rejected as a result of our safety system.',
          type: 'image_generation_user_error',
          code: 'content_policy_violation',
        },
      },
    });
    scriptAgentDefaults(fake);
    const err = await run(input('something the provider refuses')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const failure = rootFailure(err);
    expect(failure?.type).toBe('ContentPolicyRefusal');
    expect(failure?.message).toMatch(/safety system/);
    expect(fake.requestsFor('images.generate')).toHaveLength(1);
  });

  test('independent questions are grounded concurrently: the fake server holds all three at once', async () => {
    plan([1, 2, 3].map((n) => ({ id: `q${n}`, question: `independent question ${n}?`, route: 'reason' })));
    fake.script({ route: 'chat', schema: 'reason_answer', latencyMs: 1000, reply: { json: { answer: 'ok', items: ['ok'] } } });
    scriptAgentDefaults(fake);
    const result = await run(input('three things at once'));
    const ground = result.timings.find((t) => t.stage === 'ground')!;
    console.log(`grounding 3 questions of 1 s each took ${ground.durationMs} ms`);
    // A property, not a wall time: one at a time would never have two answers in flight together.
    expect(calls('reason_answer')).toHaveLength(3);
    expect(maxConcurrent(calls('reason_answer'))).toBe(3);
  });

  test('a dependent question receives its parent’s answer', async () => {
    plan([
      { id: 'q1', question: 'Which city hosts the match?', route: 'reason' },
      { id: 'q2', question: 'What landmark is that city known for?', route: 'reason', dependsOn: ['q1'] },
    ]);
    fake.script(
      { route: 'chat', schema: 'reason_answer', textIncludes: 'Which city', reply: { json: { answer: 'Hangzhou', items: ['the city is Hangzhou'] } } },
      { route: 'chat', schema: 'reason_answer', textIncludes: 'landmark', reply: { json: { answer: 'West Lake', items: ['West Lake'] } } },
    );
    scriptAgentDefaults(fake);
    await run(input('a poster for the match city'));
    const [first, second] = calls('reason_answer');
    expect(userTextOf(first!)).toContain('Which city');
    expect(userTextOf(second!)).toContain('Which city hosts the match? → Hangzhou');
  });

  test('a rate limit is honoured through Retry-After, then the run goes on', async () => {
    fake.script({ route: 'chat', schema: 'context_plan', times: 1, fault: { status: 429, retryAfterSeconds: 1 } });
    scriptAgentDefaults(fake);
    await run(input('a calm lake'));
    const [a, b] = calls('context_plan');
    expect(b!.at - a!.at).toBeGreaterThanOrEqual(900);
  });

  test('an invalid plan is retried, then the run fails with a typed error', async () => {
    fake.script({ route: 'chat', schema: 'context_plan', reply: { content: '{"intent": "x", "questions": "not a list"}' } });
    scriptAgentDefaults(fake);
    const err = await run(input('anything')).catch((e: unknown) => e);
    expect(rootFailure(err)?.type).toBe('InvalidModelOutput');
    expect(calls('context_plan')).toHaveLength(3);
  });

  test('attempts lost to a rate limit or a server error do not use up the invalid-answer budget', async () => {
    fake.script(
      // "Retry-After: 0" means retry now: it must not end the run.
      { route: 'chat', schema: 'context_plan', times: 1, fault: { status: 429, retryAfterSeconds: 0 } },
      { route: 'chat', schema: 'context_plan', times: 1, fault: { status: 500 } },
      { route: 'chat', schema: 'context_plan', times: 2, reply: { content: '{"intent": "x", "questions": "not a list"}' } },
    );
    scriptAgentDefaults(fake);
    const result = await run(input('a quiet harbour'));
    expect(result.outcome).toBe('completed');
    // Attempt 5 is the first after two infrastructure failures and two invalid answers: still allowed.
    expect(calls('context_plan')).toHaveLength(5);
  });

  test('multi-image: independent images in parallel, dependent ones after, sharing the cover as reference', async () => {
    plan(
      [],
      [
        { id: 'cover', brief: 'cover slide: renewable energy', dependsOn: [] },
        { id: 'solar', brief: 'slide 2: solar power', dependsOn: ['cover'] },
        { id: 'wind', brief: 'slide 3: wind power', dependsOn: ['cover'] },
      ],
      'flat illustration, green and blue palette',
    );
    fake.script({ route: 'images.edit', latencyMs: 1500 });
    scriptAgentDefaults(fake);
    const workflowId = `agent-deck-${randomUUID()}`;
    const result = await run(input('a 3-slide deck on renewable energy with a shared style'), workflowId);
    expect(result.images.map((i) => i.imageId)).toEqual(['cover', 'solar', 'wind']);
    const [generate] = fake.requestsFor('images.generate');
    const edits = fake.requestsFor('images.edit');
    expect(edits).toHaveLength(2);
    const coverSha = result.images[0]!.final.image.sha256;
    for (const e of edits) {
      expect(e.at).toBeGreaterThan(generate!.at);
      expect(e.files.map((f) => f.sha256)).toContain(coverSha);
    }
    // Sequential edits would never be in flight together.
    expect(maxConcurrent(edits)).toBe(2);
    expect(userTextOf(calls('generation_context').find((r) => userTextOf(r).includes('slide 2'))!)).toContain('flat illustration, green and blue palette');
    const child = await env.client.workflow.getHandle(`${workflowId}-image-1`).describe();
    expect(child.type).toBe('generateImagePart');
  });
});
