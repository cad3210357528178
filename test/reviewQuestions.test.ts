/**
 * The respond action through the API and the CLI, on the stack, with the model calls going to the fake
 * OpenAI-compatible server and web grounding to the fake search server: a reviewer asks about a waiting run and gets
 * an answer that cites the run's own source, from one chat call and no render, while the run keeps waiting; another
 * tenant's reviewer gets 404, an auditor or a submitter 403, a bad body 400 naming the field; a retried request is the
 * same question, answered once; a model that refuses the call is a 503 naming why.
 */
import { randomUUID } from 'node:crypto';
import { fencedSpans, FENCE_RULE } from '../providers/dataFence';
import { scriptAgentDefaults } from './fakeOpenAI/agentDefaults';
import { FakeOpenAIServer, schemaName, type RecordedRequest } from './fakeOpenAI/fakeOpenAIServer';
import { addedActivities, scheduledActivities } from './support/activityCounts';
import { runCli } from './support/cli';
import { articleHtml, FakeSearchServer } from './support/fakeSearchServer';
import { listenApi, startWaitingRun, type InProcessApi } from './support/inProcessApi';
import { startTestEnv, type TestEnv } from './support/testEnv';

const TENANT = `ask-${randomUUID().slice(0, 8)}`;
const REVIEWER = `tok-rev-${randomUUID()}`;
const AUDITOR = `tok-aud-${randomUUID()}`;
const SUBMITTER = `tok-sub-${randomUUID()}`;
const OTHER = `tok-other-${randomUUID()}`;
const PAGE = '/eiffel-tower-height';
const QUESTION = 'Which source says the tower is 330 m?';

describe('asking the agent about a waiting run', () => {
  let fake: FakeOpenAIServer;
  let search: FakeSearchServer;
  let env: TestEnv;
  let api: InProcessApi;
  let run: { id: string; candidateKey: string };

  const answers = () => fake.requestsFor('chat').filter((r) => schemaName(r) === 'review_answer');
  const message = (req: RecordedRequest, role: string): string => {
    const content = (req.body.messages as { role: string; content: unknown }[]).find((m) => m.role === role)!.content;
    return typeof content === 'string' ? content : (content as { text?: string }[]).map((p) => p.text ?? '').join('\n');
  };
  const ask = (token: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${api.base}/v1/generations/${run.id}/questions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    }).then(async (res) => ({ status: res.status, body: (await res.json()) as Record<string, any> }));

  beforeAll(async () => {
    fake = await new FakeOpenAIServer().start();
    search = await new FakeSearchServer({
      pages: [
        {
          path: PAGE,
          title: 'Eiffel Tower facts',
          html: articleHtml('Eiffel Tower facts', ['The Eiffel Tower in Paris is 330 metres tall with its antennas since 2022.', 'It was built for 1889.']),
        },
      ],
      images: [],
    }).start();
    fake.script({
      route: 'chat',
      schema: 'context_plan',
      reply: {
        json: {
          intent: 'a poster of the Eiffel Tower with its height',
          questions: [{ id: 'q1', question: 'How tall is the Eiffel Tower?', route: 'web_search', dependsOn: [], rationale: 'the poster states it' }],
          images: [{ id: 'image-1', brief: 'the poster', dependsOn: [] }],
        },
      },
    });
    scriptAgentDefaults(fake);
    env = await startTestEnv({
      name: 'ask',
      fake,
      env: {
        WEB_SEARCH_BACKEND: 'searxng',
        SEARXNG_URL: search.base,
        WEB_FETCH_ALLOW_HOSTS: search.hostPort,
        IMAGE_AGENT_API_TOKENS: [
          `${REVIEWER}:${TENANT}:rita:submit+review`,
          `${AUDITOR}:${TENANT}:aude:audit`,
          `${SUBMITTER}:${TENANT}:sam:submit`,
          `${OTHER}:other-${TENANT}:olga:submit+delegate+review`,
        ].join(','),
      },
    });
    api = await listenApi(env);
    run = await startWaitingRun(api, REVIEWER, { request: 'a poster of the Eiffel Tower stating its height', userId: 'rita' });
  }, 180_000);
  afterAll(async () => {
    await api?.close();
    await env?.stop();
    await search?.stop();
    await fake?.stop();
  });

  test('the answer cites the run’s own source from one chat call and no render; the run keeps waiting, and a retry is the same question', async () => {
    const handle = env.client.workflow.getHandle(run.id);
    const before = await scheduledActivities(handle);
    const calls = answers().length;
    const images = fake.requestsFor('images.generate').length;
    const key = { 'idempotency-key': `ask-${randomUUID()}` };
    const res = await ask(REVIEWER, { question: QUESTION, reviewer: 'someone-else' }, key);
    expect(res.status).toBe(200);
    const url = `${search.base}${PAGE}`;
    // The source the fake model made up is dropped: only the run's own sources are cited.
    expect(res.body).toMatchObject({
      question: QUESTION,
      answer: 'scripted answer from the run context',
      sources: [{ url, title: 'Eiffel Tower facts' }],
      by: 'rita',
      signed: true,
      gate: 'result',
      candidateKey: run.candidateKey,
      provider: 'openai',
      remaining: 19,
    });
    expect(res.body.usage.calls).toBe(1);
    expect(answers().length).toBe(calls + 1);
    expect(fake.requestsFor('images.generate').length).toBe(images);
    expect(addedActivities(before, await scheduledActivities(handle))).toEqual({ answerReviewQuestion: 1 });
    // The model got the run's grounded answer with its URL, and the question, each inside a fence.
    const req = answers().at(-1)!;
    const text = message(req, 'user');
    expect(message(req, 'system')).toContain(FENCE_RULE);
    expect(text).toContain(url);
    const at = text.indexOf(QUESTION);
    expect(at).toBeGreaterThan(0);
    expect(fencedSpans(text).some(([s, e]) => at >= s && at + QUESTION.length <= e)).toBe(true);

    const status = (await api.call('GET', `/v1/generations/${run.id}`, REVIEWER)).body;
    expect(status.pendingReview.candidateKey).toBe(run.candidateKey);
    expect(status.approval).toBe('pending');
    expect(status.questions).toMatchObject([{ question: QUESTION, by: 'rita', signed: true }]);
    // The same request again (a retried click) is the same question: the same answer, no second call.
    const retried = await ask(REVIEWER, { question: QUESTION }, key);
    expect(retried.status).toBe(200);
    expect(retried.body.at).toBe(res.body.at);
    expect(answers().length).toBe(calls + 1);

    // The run view shows the question and its answer, and offers to ask another.
    const page = await fetch(`${api.base}/review/runs/${run.id}`, { headers: { authorization: `Bearer ${REVIEWER}` } }).then((r) => r.text());
    expect(page).toContain('Ask the agent');
    expect(page).toContain('scripted answer from the run context');
    expect(page).toContain('class="ask-agent"');
  });

  test('another tenant’s reviewer gets 404, an auditor or a submitter 403, a bad body 400 naming the field; none of them is asked or recorded', async () => {
    const calls = answers().length;
    const other = await ask(OTHER, { question: 'is this yours?' });
    expect(other.status).toBe(404);
    expect(other.body.error).toBe(`no run ${run.id}`);
    for (const token of [AUDITOR, SUBMITTER]) {
      const refused = await ask(token, { question: QUESTION });
      expect(refused.status).toBe(403);
      expect(refused.body.error).toMatch(/review/);
    }
    for (const [body, field] of [
      [{}, /question/],
      [{ question: '  ' }, /question: the question is empty/],
      [{ question: 'x'.repeat(2001) }, /question: the text is longer than 2000 characters/],
      [{ question: 'why\u0007' }, /question: the text contains the control character U\+0007/],
      [{ question: 'why?', candidateKey: 'k' }, /candidateKey/],
    ] as const) {
      const bad = await ask(REVIEWER, body);
      expect(bad.status).toBe(400);
      expect(bad.body.error).toMatch(field);
    }
    expect(answers().length).toBe(calls);
    expect((await api.call('GET', `/v1/generations/${run.id}`, REVIEWER)).body.questions).toHaveLength(1);
  });

  test('a model that refuses the call answers 503 naming why, and the run still waits; the CLI asks too', async () => {
    fake.script({ route: 'chat', schema: 'review_answer', fault: { status: 400, error: { message: 'bad request at 10.1.2.3' } }, times: 1 });
    const refused = await ask(REVIEWER, { question: 'why this palette?' });
    expect(refused.status).toBe(503);
    expect(refused.body.error).toMatch(/^the agent could not answer: the model call failed \(ModelRequestRejected\); the run still waits for its decision/);
    expect(refused.body.error).not.toContain('10.1.2.3');
    const status = (await api.call('GET', `/v1/generations/${run.id}`, REVIEWER)).body;
    expect(status.pendingReview.candidateKey).toBe(run.candidateKey);
    expect(status.questions).toHaveLength(1);

    const cli = await runCli(['ask', run.id, 'what does the poster avoid?', '--reviewer', 'carl']);
    expect(cli.stderr).toBe('');
    expect(cli.code).toBe(0);
    expect(cli.stdout).toContain('scripted answer from the run context');
    expect(cli.stdout).toMatch(/answered by openai; 17 questions left on this run; it still waits for a decision/);
    const shown = await runCli(['status', run.id]);
    expect(shown.stdout).toMatch(new RegExp(`question   \\S+ by rita: ${QUESTION.replace(/[?.]/g, '\\$&')}`));
    expect(shown.stdout).toContain(`source: ${search.base}${PAGE}`);
    expect(shown.stdout).toMatch(/question   \S+ by operator-carl: what does the poster avoid\?/);
    expect((await env.client.workflow.getHandle(run.id).query('status')) as { questions: { by: string }[] }).toMatchObject({
      questions: [{ by: 'rita' }, { by: 'operator-carl' }],
    });
  });

  test('once decided, the run takes no more questions (409) and still completes', async () => {
    const decided = await api.call('POST', `/v1/generations/${run.id}/review`, REVIEWER, { decision: 'approve', candidateKey: run.candidateKey });
    expect(decided.status).toBe(200);
    await env.client.workflow.getHandle(run.id).result();
    const late = await ask(REVIEWER, { question: 'and now?' });
    expect(late.status).toBe(409);
    expect(late.body.error).toMatch(/is not running \(completed\)/);
  });
});
