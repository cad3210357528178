/**
 * The API process's limits, on the real process (`image-agent serve`) configured from its environment:
 * - rate limits per principal and cost class, answered with 429, Retry-After and x-ratelimit-* headers; the
 *   header's spelling does not buy a new budget, and callers without a valid token are limited by address;
 * - the codec server: a decode request built to expand past its cap answers 413 while the process's peak
 *   resident memory (VmHWM in /proc/<pid>/status, which no later GC can lower) grows by less than 64 MB; a bare
 *   binary/brotli payload comes back as sent; too many payloads answer 413.
 */
import { randomUUID } from 'node:crypto';
import { brotliCompressSync } from 'node:zlib';
import { temporal } from '@temporalio/proto';
import { CODEC_MAX_DECODED_BYTES, CODEC_MAX_PAYLOADS } from '../client/api/codecServer';
import { procMemory, startApiServerProcess, type ApiServerProcess } from './support/apiServerProcess';

const TENANT = `lim-${randomUUID().slice(0, 8)}`;
const LIMITED = `tok-limited-${randomUUID()}`;
const SAME_PRINCIPAL = `tok-limited-rotated-${randomUUID()}`;
const OTHER = `tok-other-${randomUUID()}`;
const AUDITOR = `tok-auditor-${randomUUID()}`;
const LIMITS = { ordinary: 5, start: 2, upload: 2, codec: 4 };
const MB = 1024 * 1024;

interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, any> | undefined;
}

describe('the API process: rate limits and a bounded codec server', () => {
  let api: ApiServerProcess;

  beforeAll(async () => {
    api = await startApiServerProcess({
      IMAGE_AGENT_TASK_QUEUE: `test-limits-${randomUUID().slice(0, 8)}`,
      IMAGE_AGENT_API_TOKENS: [
        `${LIMITED}:${TENANT}:lim:submit+review+audit`,
        `${SAME_PRINCIPAL}:${TENANT}:lim:submit+review+audit`,
        `${OTHER}:${TENANT}:other:submit+review+audit`,
        `${AUDITOR}:${TENANT}:auditor:audit`,
      ].join(','),
      IMAGE_AGENT_API_RATE_LIMIT: String(LIMITS.ordinary),
      IMAGE_AGENT_API_RATE_LIMIT_STARTS: String(LIMITS.start),
      IMAGE_AGENT_API_RATE_LIMIT_UPLOADS: String(LIMITS.upload),
      IMAGE_AGENT_API_RATE_LIMIT_CODEC: String(LIMITS.codec),
    });
  });
  afterAll(async () => api?.stop());

  const call = async (method: string, path: string, o: { auth?: string; json?: unknown; raw?: Buffer; type?: string } = {}): Promise<Answer> => {
    const body = o.raw ?? (o.json !== undefined ? JSON.stringify(o.json) : undefined);
    const res = await fetch(`${api.base}${path}`, {
      method,
      headers: { ...(o.auth ? { authorization: o.auth } : {}), ...(body !== undefined ? { 'content-type': o.type ?? 'application/json' } : {}) },
      ...(body !== undefined ? { body } : {}),
    });
    return { status: res.status, headers: res.headers, body: (await res.json().catch(() => undefined)) as Record<string, any> | undefined };
  };

  /** `allowed` requests pass the limiter (whatever they answer), the next is refused with 429 and its headers. */
  async function expectLimit(limit: number, send: () => Promise<Answer>, passes: (a: Answer) => void): Promise<Answer> {
    for (let i = 0; i < limit; i++) {
      const a = await send();
      passes(a);
      expect(a.headers.get('x-ratelimit-limit')).toBe(String(limit));
      expect(a.headers.get('x-ratelimit-remaining')).toBe(String(limit - i - 1));
    }
    const refused = await send();
    expect(refused.status).toBe(429);
    expect(refused.body?.error).toMatch(new RegExp(`at most ${limit} \\w+ requests per minute`));
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.headers.get('x-ratelimit-limit')).toBe(String(limit));
    expect(refused.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(Number(refused.headers.get('x-ratelimit-reset'))).toBeGreaterThan(0);
    return refused;
  }

  test('starts, uploads and codec calls each have their own, smaller budget per principal: 429 past it', async () => {
    const bearer = `Bearer ${LIMITED}`;
    // Starts: two invalid bodies spend the budget (they are requests all the same); the valid third is refused before it starts anything.
    await expectLimit(
      LIMITS.start,
      () => call('POST', '/v1/generations', { auth: bearer, json: {} }),
      (a) => expect(a.status).toBe(400),
    );
    const third = await call('POST', '/v1/generations', { auth: bearer, json: { request: 'a kite', userId: 'lim' } });
    expect(third.status).toBe(429);
    expect(third.body?.workflowId).toBeUndefined();
    await expectLimit(
      LIMITS.upload,
      () => call('POST', '/v1/uploads', { auth: bearer, raw: Buffer.from('not an image'), type: 'image/png' }),
      (a) => expect(a.status).toBe(400),
    );
    await expectLimit(
      LIMITS.codec,
      () => call('POST', '/codec/decode', { auth: bearer, json: { payloads: [] } }),
      (a) => expect(a.status).toBe(200),
    );
    // Ordinary requests still have their own budget.
    await expectLimit(
      LIMITS.ordinary,
      () => call('GET', '/v1/generations', { auth: bearer }),
      (a) => expect(a.status).toBe(200),
    );
  });

  test('the budget is the principal’s: another spelling of the header, or another token of the same principal, gets no new one', async () => {
    // The previous test spent `lim`'s ordinary budget.
    for (const auth of [`Bearer  ${LIMITED}`, `bearer ${LIMITED}`, `BEARER\t${LIMITED}`, `Bearer ${SAME_PRINCIPAL}`]) {
      expect((await call('GET', '/v1/generations', { auth })).status).toBe(429);
    }
    expect((await call('GET', '/v1/generations', { auth: `Bearer ${OTHER}` })).status).toBe(200);
  });

  test('callers without a valid token are limited by address, before authentication', async () => {
    // Each invalid token is a new string; the address is the same.
    await expectLimit(
      LIMITS.ordinary,
      () => call('GET', '/v1/generations', { auth: `Bearer guess-${randomUUID()}` }),
      (a) => expect(a.status).toBe(401),
    );
    expect((await call('GET', '/v1/generations')).status).toBe(429);
    // A valid principal from the same address keeps its own budget.
    expect((await call('GET', '/v1/generations', { auth: `Bearer ${OTHER}` })).status).toBe(200);
  });

  describe('the codec server', () => {
    const auth = `Bearer ${AUDITOR}`;
    /** A payload that Brotli expands to (almost) the per-payload cap of 4 MiB, from a few dozen bytes. */
    const packed = brotliCompressSync(
      temporal.api.common.v1.Payload.encode({ metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.alloc(4 * MB - 64) }).finish(),
    ).toString('base64');
    const bomb = () => ({ metadata: { encoding: Buffer.from('binary/brotli').toString('base64') }, data: packed });

    test('a bare binary/brotli payload comes back as sent; too many payloads answer 413 naming the limit', async () => {
      const bare = bomb();
      const decoded = await call('POST', '/codec/decode', { auth, json: { payloads: [bare] } });
      expect(decoded.status).toBe(200);
      expect(decoded.body?.payloads).toEqual([bare]);
      const many = await call('POST', '/codec/decode', { auth, json: { payloads: Array.from({ length: CODEC_MAX_PAYLOADS + 1 }, () => ({ data: '' })) } });
      expect(many.status).toBe(413);
      expect(many.body?.error).toContain(`at most ${CODEC_MAX_PAYLOADS}`);
    });

    test('a decode request built to expand past the cap answers 413, and the process’s peak RSS grows by less than 64 MB', async () => {
      // The auditor's own encrypted payloads, each holding a bomb: the codec's encode leaves brotli payloads as they are.
      const encoded = await call('POST', '/codec/encode', { auth, json: { payloads: Array.from({ length: 100 }, bomb) } });
      expect(encoded.status).toBe(200);
      const payloads = encoded.body!.payloads as { metadata: Record<string, string> }[];
      expect(payloads).toHaveLength(100);
      expect(Buffer.from(payloads[0]!.metadata.encoding!, 'base64').toString()).toBe('binary/encrypted');
      // 100 payloads of 4 MiB each: 400 MiB if decoded in full (and the old server held all at once, twice over).
      expect(100 * 4 * MB).toBeGreaterThan(CODEC_MAX_DECODED_BYTES * 40);

      const peakBefore = procMemory(api.pid, 'VmHWM');
      const refused = await call('POST', '/codec/decode', { auth, json: { payloads } });
      expect(refused.status).toBe(413);
      expect(refused.body?.error).toContain(`exceed ${CODEC_MAX_DECODED_BYTES} bytes, the limit per request`);
      const peakAfter = procMemory(api.pid, 'VmHWM');
      expect(peakAfter - peakBefore).toBeLessThan(64 * MB);
      // The process still answers.
      expect((await fetch(`${api.base}/healthz`)).status).toBe(200);
    });
  });
});
