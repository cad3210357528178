/** The fake endpoint behaves like an OpenAI-compatible server to the real `openai` package. */
import OpenAI, { toFile } from 'openai';
import sharp from 'sharp';
import { FakeOpenAIServer, imagesOf } from './fakeOpenAI/fakeOpenAIServer';

describe('fake OpenAI-compatible server', () => {
  let fake: FakeOpenAIServer;
  let openai: OpenAI;

  beforeAll(async () => {
    fake = await new FakeOpenAIServer().start();
    openai = new OpenAI({ baseURL: fake.baseURL, apiKey: 'sk-test', maxRetries: 0, timeout: 2000 });
  });
  afterAll(() => fake.stop());
  beforeEach(() => fake.reset());

  test('answers a JSON-schema chat request with the scripted JSON, and records it', async () => {
    fake.script({ route: 'chat', schema: 'plan', reply: { json: { questions: ['q1'] } } });
    const res = await openai.chat.completions.create({
      model: 'planner-x',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'plan this' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } },
          ],
        },
      ],
      response_format: { type: 'json_schema', json_schema: { name: 'plan', schema: { type: 'object' } } },
    });
    expect(JSON.parse(res.choices[0]!.message.content!)).toEqual({ questions: ['q1'] });
    expect(res.usage?.total_tokens).toBeGreaterThan(0);
    const [req] = fake.requestsFor('chat');
    expect(req!.body.model).toBe('planner-x');
    expect(imagesOf(req!)).toEqual(['data:image/png;base64,AAAA']);
    expect(req!.authorization).toBe('Bearer sk-test');
  });

  test('an unscripted chat request is a clear 400, not a made-up answer', async () => {
    await expect(openai.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] })).rejects.toThrow(/no scripted chat answer/);
  });

  test('rules are used up in order: first a 429 with Retry-After, then a 500, then an answer', async () => {
    fake.script(
      { route: 'chat', fault: { status: 429, retryAfterSeconds: 7 }, times: 1 },
      { route: 'chat', fault: { status: 500 }, times: 1 },
      { route: 'chat', reply: { content: 'hello' } },
    );
    const call = () => openai.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] });
    const first = await call().catch((e: unknown) => e);
    expect(first).toBeInstanceOf(OpenAI.RateLimitError);
    expect((first as InstanceType<typeof OpenAI.APIError>).headers?.get('retry-after')).toBe('7');
    await expect(call()).rejects.toBeInstanceOf(OpenAI.InternalServerError);
    expect((await call()).choices[0]!.message.content).toBe('hello');
  });

  test('a hung request ends in the client timeout', async () => {
    fake.script({ route: 'chat', fault: { hang: true } });
    const started = Date.now();
    await expect(openai.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] }, { timeout: 300 })).rejects.toBeInstanceOf(
      OpenAI.APIConnectionError, // APIConnectionTimeoutError outside jest's sandbox
    );
    expect(Date.now() - started).toBeLessThan(2000);
  });

  test('malformed JSON is served as a broken body the SDK rejects', async () => {
    fake.script({ route: 'chat', fault: { malformed: true } });
    await expect(openai.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] })).rejects.toThrow();
  });

  test('injects latency', async () => {
    fake.script({ route: 'chat', latencyMs: 300, reply: { content: 'slow' } });
    const started = Date.now();
    await openai.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  test('image generations come back as base64 or as a URL on the server', async () => {
    fake.script({ route: 'images.generate', textIncludes: 'url please', reply: { format: 'url' } });
    const b64 = await openai.images.generate({ model: 'img', prompt: 'a red square', size: '1024x1024' });
    const png = Buffer.from(b64.data![0]!.b64_json!, 'base64');
    expect((await sharp(png).metadata()).format).toBe('png');
    const viaUrl = await openai.images.generate({ model: 'img', prompt: 'url please' });
    const fetched = await fetch(viaUrl.data![0]!.url!);
    expect(fetched.headers.get('content-type')).toBe('image/png');
  });

  test('image edits arrive as multipart with every reference file recorded', async () => {
    const ref = await sharp({ create: { width: 8, height: 8, channels: 3, background: 'blue' } })
      .png()
      .toBuffer();
    await openai.images.edit({
      model: 'img',
      prompt: 'put it on a mug',
      image: [await toFile(ref, 'a.png', { type: 'image/png' }), await toFile(ref, 'b.png', { type: 'image/png' })],
    });
    const [req] = fake.requestsFor('images.edit');
    expect(req!.body.prompt).toBe('put it on a mug');
    expect(req!.files.map((f) => f.name)).toEqual(['a.png', 'b.png']);
    expect(req!.files[0]!.size).toBe(ref.length);
  });

  test('embeddings are deterministic and closer for texts that share words', async () => {
    const res = await openai.embeddings.create({ model: 'emb', input: ['red apple basket', 'red apple', 'stock market close'] });
    const [a, b, c] = res.data.map((d) => d.embedding);
    const dot = (x: number[], y: number[]) => x.reduce((s, v, i) => s + v * y[i]!, 0);
    expect(dot(a!, b!)).toBeGreaterThan(dot(a!, c!));
    const again = await openai.embeddings.create({ model: 'emb', input: 'red apple basket' });
    expect(again.data[0]!.embedding).toEqual(a);
  });
});
