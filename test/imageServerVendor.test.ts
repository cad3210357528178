/**
 * A second model vendor, chosen for one role: chat on an OpenAI-compatible endpoint, renders on an image
 * server that speaks only POST /v1/images/generations (as vLLM-Omni does), with its own endpoint, key, model
 * and size (IMAGE_AGENT_IMAGE_VENDOR=image-server). Real HTTP to two fake servers, on the real stack.
 */
import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import { storeUpload } from '../client/uploadInputImages';
import { describeConfig } from '../config/loadConfig';
import type { GenerateImageInput, GenerateOptions } from '../common/request';
import type { GenerateImageResult } from '../common/runResult';
import { generateImage } from '../workflows/generate/generateImage';
import { scriptAgentDefaults } from './fakeOpenAI/agentDefaults';
import { FakeOpenAIServer } from './fakeOpenAI/fakeOpenAIServer';
import { dumpHistory } from './support/history';
import { startTestEnv, type TestEnv } from './support/testEnv';

const IMAGE_SERVER_KEY = 'sk-image-server-only-key';

describe('the image role on an image-only server, chat on another endpoint', () => {
  let chat: FakeOpenAIServer;
  let imageServer: FakeOpenAIServer;
  let env: TestEnv;
  const tenant = `t-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    chat = await new FakeOpenAIServer().start();
    imageServer = await new FakeOpenAIServer({ serves: ['images.generate'] }).start();
    env = await startTestEnv({
      name: 'image-server',
      fake: chat,
      env: {
        IMAGE_AGENT_IMAGE_VENDOR: 'image-server',
        IMAGE_SERVER_BASE_URL: imageServer.baseURL,
        IMAGE_SERVER_API_KEY: IMAGE_SERVER_KEY,
        IMAGE_SERVER_MODEL: 'qwen-image',
        IMAGE_SERVER_SIZE: '512x512',
      },
    });
  });
  afterAll(async () => {
    await env?.stop();
    await imageServer?.stop();
    await chat?.stop();
  });
  beforeEach(() => {
    chat.reset();
    imageServer.reset();
    scriptAgentDefaults(chat);
  });

  function run(request: string, extra: Partial<GenerateImageInput> = {}, options: Partial<GenerateOptions> = {}) {
    const workflowId = `image-server-${randomUUID()}`;
    const input: GenerateImageInput = { request, tenantId: tenant, userId: 'alice', ...extra, options: { size: '256x256', ...options } };
    return { workflowId, result: env.client.workflow.execute(generateImage, { taskQueue: env.taskQueue, workflowId, args: [input] }) };
  }

  test('renders go to the image server with its own model, key and size; every chat call to the chat endpoint; the run says both', async () => {
    const reference = await sharp({ create: { width: 48, height: 48, channels: 3, background: { r: 30, g: 120, b: 200 } } })
      .png()
      .toBuffer();
    const upload = await storeUpload(env.store, tenant, reference);
    const { workflowId, result: pending } = run('a product shot of this mug on a desk', { inputImageKeys: [upload.key] });
    const result: GenerateImageResult = await pending;

    const renders = imageServer.requestsFor('images.generate');
    expect(renders.length).toBeGreaterThan(0);
    for (const r of renders) {
      expect(r.body).toMatchObject({ model: 'qwen-image', size: '512x512' });
      expect(r.authorization).toBe(`Bearer ${IMAGE_SERVER_KEY}`);
    }
    // A reference image existed, but the server has no edit endpoint: it was never asked for one.
    expect(imageServer.unserved).toEqual([]);
    expect(imageServer.requests.every((r) => r.route === 'images.generate')).toBe(true);
    expect(chat.requestsFor('images.generate')).toHaveLength(0);
    expect(chat.requestsFor('images.edit')).toHaveLength(0);
    expect(chat.requestsFor('chat').length).toBeGreaterThan(0);
    expect(chat.requests.every((r) => r.authorization === 'Bearer sk-test-fake-key')).toBe(true);

    expect(result.final!.renderedBy).toMatchObject({ provider: 'image-server', model: 'qwen-image', mode: 'generate' });
    expect(result.providers).toBe('image-server+openai');
    expect(env.config.models.mode).toBe('image-server+openai');

    // The image server's key is a secret: never in the run's history.
    const dump = await dumpHistory(env.client.workflow.getHandle(workflowId));
    expect(dump.payloadTexts.some((t) => t.includes(IMAGE_SERVER_KEY))).toBe(false);
  });

  test("the printed configuration names each role's vendor and endpoint, never a key", () => {
    const described = describeConfig(env.config) as { models: { vendors: Record<string, string> } };
    expect(described.models.vendors.image).toBe(`image-server at ${imageServer.baseURL}`);
    expect(described.models.vendors.planner).toBe(`openai at ${chat.baseURL}`);
    expect(described.models.vendors.critic).toBe(`openai at ${chat.baseURL}`);
    expect(JSON.stringify(described)).not.toContain(IMAGE_SERVER_KEY);
    expect(JSON.stringify(described)).not.toContain('sk-test-fake-key');
  });

  test('the image server failing fails the render, not the chat roles: a 503 is retried and the run still completes', async () => {
    imageServer.script({ route: 'images.generate', fault: { status: 503, error: { message: 'warming up' } }, times: 1 });
    const { result } = run('a lighthouse at dusk');
    const done = await result;
    expect(done.outcome).toBe('completed');
    // One round, so two renders at the server are the refused attempt and its retry.
    expect(done.final!.round).toBe(1);
    expect(imageServer.requestsFor('images.generate')).toHaveLength(2);
    expect(chat.requestsFor('images.generate')).toHaveLength(0);
  });
});
