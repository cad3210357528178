/** The SSRF-safe fetcher against real HTTP servers on 127.0.0.1: what it refuses, what it allows, its limits. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { blockedRangeOf } from '../providers/search/addressPolicy';
import { BlockedUrlError, FetchLimitError, parseContentType, safeFetch, type SafeFetchOptions } from '../providers/search/safeFetch';

describe('safeFetch', () => {
  let server: http.Server;
  let port: number;
  let base: string;
  const hits: string[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      hits.push(req.url ?? '');
      switch (req.url) {
        case '/hello':
          res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end('hello from the allowed host');
          return;
        case '/secret':
          res.writeHead(200, { 'content-type': 'text/plain' }).end('internal secret');
          return;
        case '/to-localhost':
          res.writeHead(302, { location: `http://localhost:${port}/secret` }).end();
          return;
        case '/to-metadata':
          res.writeHead(301, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
          return;
        case '/to-file':
          res.writeHead(302, { location: 'file:///etc/passwd' }).end();
          return;
        case '/hop':
          res.writeHead(307, { location: '/hello' }).end();
          return;
        case '/chain':
          res.writeHead(302, { location: '/hop' }).end();
          return;
        case '/loop':
          res.writeHead(302, { location: '/loop' }).end();
          return;
        case '/stream': {
          // Chunked, no content-length: only counting while streaming can stop it.
          res.writeHead(200, { 'content-type': 'application/octet-stream' });
          let sent = 0;
          const pump = (): void => {
            while (sent < 1024 * 1024) {
              sent += 16 * 1024;
              if (!res.write(Buffer.alloc(16 * 1024, 0x61))) return void res.once('drain', pump);
            }
            res.end();
          };
          pump();
          return;
        }
        case '/declared-large':
          res.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(10 * 1024 * 1024) });
          res.write('x');
          return;
        case '/silent':
          return; // never answers
        default:
          res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    base = `http://127.0.0.1:${port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  beforeEach(() => {
    hits.length = 0;
  });

  const options = (overrides: Partial<SafeFetchOptions> = {}): SafeFetchOptions => ({
    timeoutMs: 5000,
    maxBytes: 64 * 1024,
    allowHosts: [`127.0.0.1:${port}`],
    ...overrides,
  });

  async function refusal(url: string, opts: SafeFetchOptions): Promise<BlockedUrlError> {
    const err = await safeFetch(url, opts).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(BlockedUrlError);
    return err as BlockedUrlError;
  }

  test.each(['file:///etc/passwd', 'ftp://example.org/file.txt', 'gopher://example.org/', 'data:text/plain,hi'])('refuses the scheme of %s', async (url) => {
    const err = await refusal(url, options());
    expect(err.message).toContain(url.slice(0, 10));
    expect(err.reason).toMatch(/scheme .* is not http or https/);
  });

  test.each([
    ['http://10.1.2.3/', 'private'],
    ['http://192.168.0.10/admin', 'private'],
    ['http://172.16.5.5/', 'private'],
    ['http://100.64.0.1/', 'carrierGradeNat'],
    ['http://169.254.169.254/latest/meta-data/', 'linkLocal'],
    ['http://0.0.0.0/', 'unspecified'],
    ['http://224.0.0.1/', 'multicast'],
    ['http://255.255.255.255/', 'broadcast'],
    ['http://[fd00::1]/', 'uniqueLocal'],
    ['http://[fe80::1]/', 'linkLocal'],
    // 2130706433 is 127.0.0.1 written as one number; the URL parser normalises it.
    ['http://2130706433/', 'loopback'],
  ])('refuses the literal address in %s (%s)', async (url, range) => {
    const err = await refusal(url, options({ allowHosts: [] }));
    expect(err.reason).toContain(range);
    expect(err.message).toContain('refused to fetch http://');
  });

  test('refuses loopback literals, IPv4 and IPv6, even with a server listening there', async () => {
    const noExemption = options({ allowHosts: [] });
    expect((await refusal(`${base}/secret`, noExemption)).reason).toContain('loopback');
    expect((await refusal(`http://[::1]:${port}/secret`, noExemption)).reason).toContain('loopback');
    // IPv4-mapped IPv6 reaches 127.0.0.1; the URL parser rewrites it to [::ffff:7f00:1].
    expect((await refusal(`http://[::ffff:127.0.0.1]:${port}/secret`, noExemption)).reason).toContain('loopback');
    expect(hits).toEqual([]);
  });

  test('refuses a hostname that resolves to loopback, checked at connect time', async () => {
    const err = await refusal(`http://localhost:${port}/secret`, options({ allowHosts: [] }));
    expect(err.reason).toMatch(/localhost resolves to (127\.0\.0\.1|::1) \(loopback\)/);
    expect(err.url).toBe(`http://localhost:${port}/secret`);
    expect(hits).toEqual([]);
  });

  test('allowHosts exempts exactly the listed host and port', async () => {
    const res = await safeFetch(`${base}/hello`, options());
    expect(res).toMatchObject({ url: `${base}/hello`, status: 200, contentType: 'text/plain; charset=utf-8' });
    expect(res.body.toString()).toBe('hello from the allowed host');

    // A bare host opens its default port only, never every port on it.
    const bareHost = await refusal(`${base}/hello`, options({ allowHosts: ['127.0.0.1'] }));
    expect(bareHost.reason).toContain('loopback');

    const otherPort = await refusal(`${base}/hello`, options({ allowHosts: ['127.0.0.1:1'] }));
    expect(otherPort.reason).toContain('loopback');
  });

  test('re-checks every redirect hop: an allowed host cannot redirect to a blocked one', async () => {
    const toLocalhost = await refusal(`${base}/to-localhost`, options());
    expect(toLocalhost.url).toBe(`http://localhost:${port}/secret`);
    const toMetadata = await refusal(`${base}/to-metadata`, options());
    expect(toMetadata.reason).toContain('linkLocal');
    const toFile = await refusal(`${base}/to-file`, options());
    expect(toFile.reason).toContain('scheme file:');
    expect(hits).toEqual(['/to-localhost', '/to-metadata', '/to-file']);
  });

  test('follows allowed redirects and reports the final URL', async () => {
    const res = await safeFetch(`${base}/hop`, options());
    expect(res.url).toBe(`${base}/hello`);
    expect(res.body.toString()).toBe('hello from the allowed host');
  });

  test('stops after maxRedirects', async () => {
    const err = await safeFetch(`${base}/loop`, options({ maxRedirects: 3 })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FetchLimitError);
    expect((err as FetchLimitError).limit).toBe('redirects');
    expect(hits).toHaveLength(4);
  });

  test('a limit names the URL it stopped at, like every other error', async () => {
    // /chain → /hop → /hello: with one redirect allowed, /hop's redirect is the one refused.
    const err = await safeFetch(`${base}/chain`, options({ maxRedirects: 1 })).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'FetchLimitError', limit: 'redirects', url: `${base}/hop` });
    expect((err as Error).message).toBe(`fetching ${base}/hop stopped: more than 1 redirects`);
  });

  test('stops a streamed body without content-length once it passes maxBytes', async () => {
    const err = await safeFetch(`${base}/stream`, options({ maxBytes: 100 * 1024 })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FetchLimitError);
    expect(err).toMatchObject({ limit: 'size', url: `${base}/stream` });
    expect((err as Error).message).toContain('102400-byte limit');
    // The same body fits a larger limit, which shows the limit (not the server) stopped it.
    const whole = await safeFetch(`${base}/stream`, options({ maxBytes: 2 * 1024 * 1024 }));
    expect(whole.body.length).toBe(1024 * 1024);
  });

  test('rejects a declared content-length over maxBytes before reading the body', async () => {
    const err = await safeFetch(`${base}/declared-large`, options()).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'FetchLimitError', limit: 'size' });
    expect((err as Error).message).toContain('declared 10485760 bytes');
  });

  test('gives up on a server that never answers within timeoutMs', async () => {
    const started = Date.now();
    const err = await safeFetch(`${base}/silent`, options({ timeoutMs: 600 })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FetchLimitError);
    expect(err).toMatchObject({ limit: 'time', url: `${base}/silent` });
    expect(Date.now() - started).toBeLessThan(3000);
  });

  test("the caller's own abort is passed through, not reported as a limit", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('activity cancelled')), 100);
    const err = await safeFetch(`${base}/silent`, options({ signal: controller.signal })).catch((e: unknown) => e);
    expect(err).not.toBeInstanceOf(FetchLimitError);
    expect((err as Error).message).toBe('activity cancelled');
  });
});

describe('blockedRangeOf', () => {
  test.each([
    ['93.184.215.14', undefined],
    ['2606:4700:4700::1111', undefined],
    ['127.0.0.1', 'loopback'],
    ['::1', 'loopback'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:8.8.8.8', undefined],
    ['fc00::5', 'uniqueLocal'],
    ['240.0.0.1', 'reserved'],
    ['64:ff9b::7f00:1', 'rfc6052 (embedding loopback)'],
    ['64:ff9b::808:808', undefined],
    ['not-an-ip', 'unparseable address'],
  ])('%s → %s', (address, range) => {
    expect(blockedRangeOf(address)).toBe(range);
  });
});

describe('parseContentType', () => {
  test.each([
    ['text/html; charset=utf-8', { mediaType: 'text/html', charset: 'utf-8' }],
    ['Text/HTML ; Charset="ISO-8859-1"', { mediaType: 'text/html', charset: 'ISO-8859-1' }],
    ['image/png', { mediaType: 'image/png', charset: undefined }],
    ['multipart/mixed; boundary=x; charset=utf-8', { mediaType: 'multipart/mixed', charset: 'utf-8' }],
    ['', { mediaType: '', charset: undefined }],
  ])('%j → %j', (header, parsed) => {
    expect(parseContentType(header)).toEqual(parsed);
  });
});
