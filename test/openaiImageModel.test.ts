/** The image-model role over the images API of a (fake) OpenAI-compatible endpoint. */
import sharp from 'sharp';
import { ContentPolicyRefusal } from '../providers/modelErrors';
import { createOpenAIClient } from '../providers/openai/openaiClient';
import { OpenAIImageModel } from '../providers/openai/openaiImageModel';
import { FakeOpenAIServer } from './fakeOpenAI/fakeOpenAIServer';

describe('OpenAIImageModel', () => {
  let fake: FakeOpenAIServer;
  let model: OpenAIImageModel;
  const request = { prompt: 'a blue kite', sections: [], size: '1024x1024', references: [] };

  beforeAll(async () => {
    fake = await new FakeOpenAIServer().start();
    model = new OpenAIImageModel(createOpenAIClient({ baseURL: fake.baseURL, apiKey: 'k', timeoutMs: 5000 }), 'image-model-x', { provider: 'openai' });
  });
  afterAll(() => fake.stop());
  beforeEach(() => fake.reset());

  test('generates from base64 and normalises to PNG with its dimensions', async () => {
    const jpeg = await sharp({ create: { width: 40, height: 30, channels: 3, background: 'green' } })
      .jpeg()
      .toBuffer();
    fake.script({ route: 'images.generate', reply: { png: jpeg } });
    const out = await model.render(request);
    expect((await sharp(out.png).metadata()).format).toBe('png');
    expect([out.width, out.height, out.mode, out.model]).toEqual([40, 30, 'generate', 'image-model-x']);
    expect(fake.requestsFor('images.generate')[0]!.body).toMatchObject({ model: 'image-model-x', prompt: 'a blue kite', size: '1024x1024' });
  });

  test('downloads a URL answer', async () => {
    fake.script({ route: 'images.generate', reply: { format: 'url' } });
    const out = await model.render(request);
    expect((await sharp(out.png).metadata()).format).toBe('png');
  });

  test('uses the edit endpoint with every reference when references exist', async () => {
    const ref = await sharp({ create: { width: 8, height: 8, channels: 3, background: 'red' } })
      .png()
      .toBuffer();
    const out = await model.render({ ...request, references: [{ name: 'logo.png', data: ref, contentType: 'image/png' }] });
    expect(out.mode).toBe('edit');
    const [edit] = fake.requestsFor('images.edit');
    expect(edit!.files).toHaveLength(1);
    expect(edit!.files[0]!.size).toBe(ref.length);
  });

  test('a content-policy rejection becomes a typed refusal carrying the provider reason', async () => {
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
    const err = await model.render(request).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ContentPolicyRefusal);
    expect((err as ContentPolicyRefusal).reason).toMatch(/safety system/);
  });
});
