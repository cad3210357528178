/**
 * The zero-key default end to end: rule-based planner, local corpus, layout renderer and critic, with
 * every output labelled offline. Also the CLI's main command, offline and against an endpoint.
 */
import { randomUUID } from 'node:crypto';
import { loadConfig } from '../config/loadConfig';
import type { GenerateImageInput } from '../common/request';
import type { GenerateImageResult } from '../common/runResult';
import { readOfflineLayout } from '../providers/offline/offlineImageModel';
import { scriptAgentDefaults } from './fakeOpenAI/agentDefaults';
import { FakeOpenAIServer } from './fakeOpenAI/fakeOpenAIServer';
import { runCli } from './support/cli';
import { startTestEnv, type TestEnv } from './support/testEnv';
import { generateImage } from '../workflows/generate/generateImage';

describe('offline providers', () => {
  let env: TestEnv;
  const tenantId = `off-${randomUUID().slice(0, 6)}`;

  beforeAll(async () => {
    env = await startTestEnv({ name: 'offline' });
  });
  afterAll(() => env?.stop());

  const run = (request: string, extra: Partial<GenerateImageInput> = {}): Promise<GenerateImageResult> =>
    env.client.workflow.execute(generateImage, {
      taskQueue: env.taskQueue,
      workflowId: `offline-${randomUUID()}`,
      args: [{ request, tenantId, userId: 'olga', options: { size: '512x512' }, ...extra }],
    });

  test('implicit arithmetic is reasoned out, reaches the prompt, and the image is labelled offline', async () => {
    const result = await run("A basket with as many apples as 3²−2, with the label 'Fresh'");
    expect(result.providers).toBe('offline');
    expect(result.plan!.questions).toMatchObject([{ route: 'reason', question: 'What is 3²−2?' }]);
    expect(result.answers[0]!.answer).toBe('7');
    expect(result.final!.context.prompt).toContain('exactly 7 apples');
    // The offline critic cannot look: nothing is claimed as passed, nothing failed, so one round.
    expect(result.final!.critique!.passed).toBe(0);
    expect(result.final!.critique!.unverified).toBe(result.final!.critique!.total);
    expect(result.final!.critique!.verdicts.every((v) => v.status === 'unverified' && !v.pass)).toBe(true);
    expect(result.images[0]!.stoppedBecause).toBe('unverified');
    const layout = await readOfflineLayout(await env.store.get(result.final!.image.key));
    expect(layout).toContain('exactly 7 apples');
  });

  test('a dated fact is searched in the local corpus and keeps its source', async () => {
    const result = await run('a weather forecast card for Hangzhou on 2026-07-15');
    const web = result.answers.find((a) => a.route === 'web_search')!;
    expect(web.via).toBe('local-corpus');
    expect(web.items.flatMap((i) => i.sources.map((s) => s.url))).toContain('https://example.org/sample-weather/hangzhou/2026-07-15');
    expect(result.final!.context.prompt).toMatch(/34 °C/);
  });

  test('a deck becomes several images, later slides after the cover', async () => {
    const result = await run('a 3-slide deck on renewable energy');
    expect(result.images.map((i) => i.imageId)).toEqual(['slide-1', 'slide-2', 'slide-3']);
    expect(result.images[1]!.final.context.referenceKeys).toContain(result.images[0]!.final.image.key);
  });

  test('a profile learnt offline shapes a later request; a dislike is avoided and checked', async () => {
    const userId = `u-${randomUUID().slice(0, 6)}`;
    await run("I'm a paediatric nurse who loves watercolour, and I dislike red. Draw a sunflower.", { userId, sessionId: 'a' });
    const later = await run('draw me at work, in my usual style', { userId, sessionId: 'b' });
    expect(later.final!.context.prompt).toContain('paediatric nurse');
    expect(later.final!.context.prompt).toContain('watercolour style');
    const poster = await run('a festive poster', { userId, sessionId: 'c' });
    expect(poster.final!.context.avoid).toEqual(['red']);
    expect(poster.checklist.map((c) => c.statement)).toContain('The image contains no red');
    expect(poster.final!.critique!.verdicts.map((v) => v.status)).not.toContain('fail');
    expect(poster.final!.critique!.verdicts.map((v) => v.status)).not.toContain('pass');
  });

  test("the CLI's main command prints the plan, the grounded context with sources, each round's verdicts and the image", async () => {
    const res = await runCli(['generate', '--wait', '--size', '512x512', 'a weather forecast card for Hangzhou on 2026-07-15'], {
      IMAGE_AGENT_TASK_QUEUE: env.taskQueue,
      IMAGE_AGENT_PROVIDERS: 'offline',
    });
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    for (const expected of [
      /providers\s+OFFLINE/,
      /^plan\s+/m,
      /\[web_search\]/,
      /source: https:\/\/example\.org\/sample-weather\/hangzhou\/2026-07-15/,
      /^checklist/m,
      /round 1: 0 passed, \d+ unverified of \d+/,
      /unverified c1: no model looked at the image/,
      /stopped: nothing failed, but items are unverified/,
      /^final\s+s3:\/\/image-agent\/tenants\/local\/runs\//m,
      /^copy\s+out\//m,
      new RegExp(`^Temporal\\s+${loadConfig().temporal.uiUrl}/`, 'm'),
    ]) {
      expect(res.stdout).toMatch(expected);
    }
  });
});

test('the CLI prints the same run against an OpenAI-compatible endpoint', async () => {
  const fake = scriptAgentDefaults(await new FakeOpenAIServer().start());
  fake.script({
    route: 'chat',
    schema: 'context_plan',
    reply: {
      json: {
        intent: 'apples',
        questions: [{ id: 'q1', question: 'What is 3²−2?', route: 'reason', dependsOn: [], rationale: 'hidden count' }],
        images: [{ id: 'image-1', brief: 'basket', dependsOn: [] }],
      },
    },
  });
  const env = await startTestEnv({ name: 'cli-endpoint', fake });
  try {
    const res = await runCli(['generate', '--wait', 'a basket with as many apples as 3²−2'], {
      IMAGE_AGENT_TASK_QUEUE: env.taskQueue,
      OPENAI_BASE_URL: fake.baseURL,
      OPENAI_API_KEY: 'sk-test-fake-key',
    });
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/providers\s+openai-compatible endpoint/);
    expect(res.stdout).toMatch(/q1 \[reason\] What is 3²−2\?/);
    expect(res.stdout).toMatch(/round 1: 1\/1 passed/);
    expect(res.stdout).not.toContain('sk-test-fake-key');
  } finally {
    await env.stop();
    await fake.stop();
  }
});
