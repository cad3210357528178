/**
 * Honest judgement at a (fake) OpenAI-compatible endpoint, over real HTTP, on the real stack: model answers
 * are checked (an empty verdict list is retried, a wrong-size image is flagged), irrelevant evidence is dropped
 * and recorded, earlier requests do not leak into unrelated runs, and a real back-reference still works.
 */
import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import type { GenerateImageInput, GenerateOptions } from '../common/request';
import type { GenerateImageResult, RunReport } from '../common/runResult';
import { scriptAgentDefaults } from './fakeOpenAI/agentDefaults';
import { FakeOpenAIServer, schemaName, textOf, userTextOf, type RecordedRequest } from './fakeOpenAI/fakeOpenAIServer';
import { articleHtml, FakeSearchServer } from './support/fakeSearchServer';
import { startTestEnv, type TestEnv } from './support/testEnv';

describe('honest judgement against an OpenAI-compatible endpoint', () => {
  let fake: FakeOpenAIServer;
  let search: FakeSearchServer;
  let env: TestEnv;

  beforeAll(async () => {
    fake = await new FakeOpenAIServer().start();
    search = await new FakeSearchServer({
      pages: [
        {
          path: '/weather/hangzhou-2026-07-15',
          title: 'Hangzhou weather forecast, 15 July 2026',
          html: articleHtml('Hangzhou weather forecast, 15 July 2026', [
            'Hangzhou on Wednesday 15 July 2026: thundershowers in the afternoon, high 34 °C, low 27 °C.',
          ]),
        },
        {
          path: '/sports/harbour-vs-westlake',
          title: 'Final score: Hangzhou Harbour FC 2, Westlake United 1',
          html: articleHtml('Final score: Hangzhou Harbour FC 2, Westlake United 1', [
            'Sunday 12 July 2026, Riverside Stadium: Hangzhou Harbour FC beat Westlake United 2-1 after trailing at half time.',
          ]),
        },
      ],
      images: [],
    }).start();
    env = await startTestEnv({
      name: 'judgement',
      fake,
      env: { WEB_SEARCH_BACKEND: 'searxng', SEARXNG_URL: search.base, WEB_FETCH_ALLOW_HOSTS: search.hostPort },
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
  function input(request: string, userId = 'judy', options: Partial<GenerateOptions> = {}): GenerateImageInput {
    return { request, tenantId: tenant, userId, options: { size: '256x256', ...options } };
  }
  function run(i: GenerateImageInput): Promise<GenerateImageResult> {
    return env.client.workflow.execute('generateImage', { taskQueue: env.taskQueue, workflowId: `judge-${randomUUID()}`, args: [i] });
  }
  const calls = (schema: string): RecordedRequest[] => fake.requestsFor('chat').filter((r) => schemaName(r) === schema);
  const plan = (questions: { id: string; question: string; route: string }[]) =>
    fake.script({
      route: 'chat',
      schema: 'context_plan',
      times: 1,
      reply: {
        json: {
          intent: 'test',
          questions: questions.map((q) => ({ dependsOn: [], rationale: 'test', ...q })),
          images: [{ id: 'image-1', brief: 'the image', dependsOn: [] }],
        },
      },
    });

  test('an empty verdict list is invalid output: the critique is asked again, and the items are judged, not failed', async () => {
    fake.script(
      {
        route: 'chat',
        schema: 'checklist',
        reply: { json: { items: [{ statement: 'The basket holds exactly 7 apples' }, { statement: 'The label reads "Fresh"' }] } },
      },
      { route: 'chat', schema: 'critique', times: 1, reply: { json: { results: [] } } },
    );
    scriptAgentDefaults(fake);
    const result = await run(input('a basket with 7 apples labelled "Fresh"'));
    // The first answer was refused and asked again; it never counted as two failed items.
    expect(calls('critique')).toHaveLength(2);
    expect(fake.requestsFor('images.generate')).toHaveLength(1);
    expect(result.final!.critique).toMatchObject({ passed: 2, total: 2 });
    expect(result.final!.critique!.verdicts.map((v) => v.status)).toEqual(['pass', 'pass']);
    expect(result.images[0]!.stoppedBecause).toBe('all_passed');
  });

  test('an image of another size than requested is recorded with a warning, and fails the size the request names', async () => {
    const tiny = await sharp({ create: { width: 64, height: 64, channels: 3, background: { r: 10, g: 120, b: 200 } } })
      .png()
      .toBuffer();
    fake.script({ route: 'images.generate', reply: { png: tiny } });
    scriptAgentDefaults(fake);
    const result = await run(input('a 256x256 icon of a lighthouse'));
    const final = result.final!;
    expect(final.image).toMatchObject({ width: 64, height: 64 });
    expect(final.image.warning).toContain('asked for 256x256, got 64x64');
    expect(final.critique!.verdicts).toContainEqual(expect.objectContaining({ itemId: 'size', status: 'fail', pass: false }));
    expect(final.critique!.passed).toBe(final.critique!.total - 1);
    // A failed size is feedback like any failed item: every round rendered, none claimed all passed.
    expect(result.images[0]!.stoppedBecause).toBe('max_rounds');
    expect(userTextOf(calls('generation_context')[1]!)).toContain('the image is 64x64');
  });

  test('an irrelevant search hit is dropped before the summary and recorded in the report; the relevant one is kept', async () => {
    plan([{ id: 'q1', question: 'Hangzhou weather forecast for 2026-07-15', route: 'web_search' }]);
    scriptAgentDefaults(fake);
    const result = await run(input('a forecast card for Hangzhou on 2026-07-15'));
    const answer = result.answers[0]!;
    const sports = `${search.base}/sports/harbour-vs-westlake`;
    const weather = `${search.base}/weather/hangzhou-2026-07-15`;
    expect(answer.status).toBe('answered');
    expect(answer.relevance!.dropped).toEqual([expect.objectContaining({ label: sports, reason: expect.stringContaining('lacks') })]);
    expect(answer.relevance!.kept.map((k) => k.label)).toEqual([weather]);
    expect(answer.relevance!.threshold).toBe(0.5);
    // The football page never reached the summariser, the composer or the checklist.
    const summarised = calls('evidence_summary').map(textOf).join('\n');
    expect(summarised).toContain('thundershowers');
    expect(summarised).not.toContain('Westlake');
    expect(calls('generation_context').map(userTextOf).join('\n')).not.toContain('Westlake');
    const report = await env.store.getJson<RunReport>(result.reportKey!);
    expect(report.result.answers[0]!.relevance!.dropped.map((d) => d.label)).toEqual([sports]);
  });

  test('a question whose evidence is all irrelevant is answered "unknown", not with the best of it', async () => {
    plan([{ id: 'q1', question: 'Shanghai weather forecast for 2026-08-01', route: 'web_search' }]);
    scriptAgentDefaults(fake);
    const result = await run(input('a forecast card for Shanghai on 2026-08-01'));
    expect(result.answers[0]).toMatchObject({ status: 'no_answer', answer: 'unknown', items: [] });
    expect(result.answers[0]!.relevance!.dropped).toHaveLength(2);
    expect(calls('evidence_summary')).toHaveLength(0);
  });

  test('memory: an earlier launch poster does not leak into an unrelated request, and a real back-reference brings its image', async () => {
    const user = `mem-${randomUUID().slice(0, 6)}`;
    scriptAgentDefaults(fake);
    await run(input('our launch poster for the Brightleaf solar lamp', user));
    const logo = await run(input('a minimalist fox logo for our café', user));

    fake.reset();
    plan([{ id: 'q1', question: 'What do we know about this user that matters for a poster for my sister’s birthday with balloons?', route: 'memory' }]);
    scriptAgentDefaults(fake);
    const birthday = await run(input('a poster for my sister’s birthday, with balloons', user));
    expect(birthday.memory!.turns).toEqual([]);
    expect(birthday.answers[0]!.relevance!.dropped.map((d) => d.label)).toEqual(expect.arrayContaining([expect.stringMatching(/^memory:\/\/turns\//)]));
    const composed = calls('generation_context').map(userTextOf).join('\n') + calls('checklist').map(userTextOf).join('\n');
    expect(composed).not.toContain('launch poster');
    expect(composed).not.toContain('fox logo');

    fake.reset();
    plan([{ id: 'q1', question: 'Which logo did the user make before?', route: 'memory' }]);
    scriptAgentDefaults(fake);
    const mug = await run(input('put the logo from before on a mug', user));
    expect(mug.memory!.turns.map((t) => t.request)).toEqual(['a minimalist fox logo for our café']);
    expect(mug.memory!.turns.map((t) => t.request)).not.toContain('our launch poster for the Brightleaf solar lamp');
    // The earlier logo goes to the image model as a reference: an edit call, not a fresh generation.
    expect(fake.requestsFor('images.edit').length).toBeGreaterThan(0);
    expect(mug.final!.context.referenceKeys).toContain(logo.final!.image.key);
  });
});
