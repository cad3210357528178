/**
 * Web search and page reading: readable-text extraction, the local corpus (the offline default), and the
 * SearXNG / Tavily / Brave clients against a local server speaking their JSON.
 */
import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../config/loadConfig';
import { projectRoot } from '../common/paths';
import { BraveWebSearch } from '../providers/search/braveSearch';
import { LocalCorpusSearch } from '../providers/search/localCorpusSearch';
import { extractReadableText, readPage, UnreadablePageError } from '../providers/search/pageReader';
import { SearchApiError } from '../providers/search/searchApi';
import { createWebSearch } from '../providers/search/searchRegistry';
import { SearxngWebSearch } from '../providers/search/searxngSearch';
import { TavilySearch } from '../providers/search/tavilySearch';

interface RecordedRequest {
  method: string;
  url: URL;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A local HTTP server whose answer per path the test sets, recording every request. */
async function startServer(routes: Record<string, (req: RecordedRequest, res: http.ServerResponse) => void>) {
  const requests: RecordedRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const recorded = { method: req.method ?? '', url: new URL(req.url ?? '/', 'http://local'), headers: req.headers, body: Buffer.concat(chunks).toString() };
      requests.push(recorded);
      const route = routes[recorded.url.pathname];
      if (route) route(recorded, res);
      else res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    requests,
    port,
    base: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

const json = (res: http.ServerResponse, body: unknown, status = 200, headers: Record<string, string> = {}) =>
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));

const ARTICLE_PAGE = `<!doctype html>
<html lang="en"><head>
  <meta charset="utf-8"><title>Heatwave grips Hangzhou | Example Daily</title>
  <script>window.analytics = { track: function () {} };</script>
  <style>body { font-family: serif }</style>
</head><body>
  <header class="site-header"><a href="/">Example Daily</a>
    <nav class="menu"><a href="/world">World</a> <a href="/sport">Sport</a> <a href="/weather">Weather</a> <a href="/subscribe">Subscribe now</a></nav>
  </header>
  <div class="layout">
    <main>
      <article>
        <h1>Heatwave grips Hangzhou as temperatures reach 39 °C</h1>
        <p class="byline">By Lin Wei, weather correspondent</p>
        <p>Hangzhou recorded its hottest day of the year on Tuesday, with the thermometer at the city's main
           station reaching 39 °C shortly after two in the afternoon. Forecasters expect the heat to persist
           until the weekend, when a band of thunderstorms should bring some relief.</p>
        <p>The municipal weather bureau issued an orange high-temperature warning and advised residents to
           avoid outdoor work between noon and four o'clock. Visitors to West Lake were seen sheltering under
           the willows along the Su Causeway, while tea farmers in the western hills started picking at dawn.</p>
        <p>Humidity remained above seventy percent for most of the day, making the heat feel closer to 45 °C.
           Electricity demand reached a record, and the grid operator asked factories to shift production to
           the night. Meteorologists said the subtropical high over the western Pacific was unusually strong.</p>
        <p>Relief is expected on Saturday, when thunderstorms should bring the temperature down to 31 °C.</p>
      </article>
    </main>
    <aside class="sidebar">
      <h3>Most read</h3>
      <ul><li><a href="/a">Ten celebrity diets you must try</a></li><li><a href="/b">Win a cruise today</a></li></ul>
      <div class="ad">ADVERTISEMENT: Buy cheap air conditioners now</div>
    </aside>
  </div>
  <footer class="site-footer"><p>© 2026 Example Daily. All rights reserved. Privacy policy. Cookie settings.</p></footer>
  <script>document.write('tracking pixel')</script>
</body></html>`;

describe('extractReadableText', () => {
  test('keeps the article and drops navigation, sidebars, ads, footer and scripts', () => {
    const page = extractReadableText(ARTICLE_PAGE, 'https://news.example/heatwave', 10_000);
    expect(page.url).toBe('https://news.example/heatwave');
    expect(page.title).toMatch(/Heatwave grips Hangzhou/);
    expect(page.text).toContain("Hangzhou recorded its hottest day of the year on Tuesday, with the thermometer at the city's main station reaching 39 °C");
    expect(page.text).toContain('thunderstorms should bring the temperature down to 31 °C');
    for (const noise of ['Subscribe now', 'celebrity diets', 'ADVERTISEMENT', 'All rights reserved', 'analytics', 'tracking pixel', 'font-family']) {
      expect(page.text).not.toContain(noise);
    }
    // Paragraphs stay apart (one per line) and the source's line-wrapping whitespace is collapsed.
    expect(page.text).toMatch(/some relief\.\nThe municipal weather bureau/);
    expect(page.text).not.toMatch(/ {2}/);
  });

  test('truncates to maxChars with a marker, at a word boundary', () => {
    const page = extractReadableText(ARTICLE_PAGE, 'https://news.example/heatwave', 200);
    expect(page.text.length).toBeLessThanOrEqual(200);
    expect(page.text.endsWith(' […truncated]')).toBe(true);
    expect(page.text).toMatch(/Hangzhou recorded/);
    expect(page.text).toMatch(/\w \[…truncated\]$/);
  });

  test('falls back to the body text when Readability finds no article', () => {
    const page = extractReadableText(
      '<html><head><title>Opening hours</title></head><body><footer>Opening hours: 9 to 5 daily<script>x()</script></footer></body></html>',
      'https://shop.example/hours',
      500,
    );
    expect(page).toEqual({ url: 'https://shop.example/hours', title: 'Opening hours', text: 'Opening hours: 9 to 5 daily' });
  });
});

describe('readPage', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  const fetchOptions = () => ({ timeoutMs: 5000, maxBytes: 256 * 1024, allowHosts: [`127.0.0.1:${server.port}`] });

  beforeAll(async () => {
    server = await startServer({
      '/article': (_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(ARTICLE_PAGE),
      '/moved': (_req, res) => res.writeHead(301, { location: '/article' }).end(),
      '/notes.md': (_req, res) => res.writeHead(200, { 'content-type': 'text/markdown' }).end('# Release notes\n\n\nVersion   2.1 adds    dark mode.\n'),
      '/latin1': (_req, res) => res.writeHead(200, { 'content-type': 'text/plain; charset=iso-8859-1' }).end(Buffer.from([0x63, 0x61, 0x66, 0xe9])),
      '/report.pdf': (_req, res) => res.writeHead(200, { 'content-type': 'application/pdf' }).end('%PDF-1.7'),
      '/gone': (_req, res) => res.writeHead(410, { 'content-type': 'text/html' }).end('<p>gone</p>'),
    });
  });
  afterAll(() => server.close());

  test('reads an HTML article through redirects, from the final URL', async () => {
    const page = await readPage(`${server.base}/moved`, fetchOptions(), 5000);
    expect(page.url).toBe(`${server.base}/article`);
    expect(page.title).toMatch(/Heatwave grips Hangzhou/);
    expect(page.text).toContain('orange high-temperature warning');
    expect(page.text).not.toContain('Subscribe now');
    expect(server.requests.at(-1)!.headers.accept).toMatch(/text\/html/);
  });

  test('passes Markdown and plain text through, whitespace collapsed, charset honoured', async () => {
    expect(await readPage(`${server.base}/notes.md`, fetchOptions(), 5000)).toEqual({
      url: `${server.base}/notes.md`,
      title: 'Release notes',
      text: '# Release notes\nVersion 2.1 adds dark mode.',
    });
    expect((await readPage(`${server.base}/latin1`, fetchOptions(), 5000)).text).toBe('café');
  });

  test('rejects other content types and error statuses', async () => {
    const pdf = await readPage(`${server.base}/report.pdf`, fetchOptions(), 5000).catch((e: unknown) => e);
    expect(pdf).toBeInstanceOf(UnreadablePageError);
    expect((pdf as Error).message).toBe(`cannot read ${server.base}/report.pdf: content type "application/pdf" is not HTML or text`);
    const gone = await readPage(`${server.base}/gone`, fetchOptions(), 5000).catch((e: unknown) => e);
    expect(gone).toMatchObject({ name: 'UnreadablePageError', status: 410 });
  });

  test('goes through the address filter', async () => {
    const err = await readPage(`${server.base}/article`, { ...fetchOptions(), allowHosts: [] }, 5000).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'BlockedUrlError' });
  });
});

describe('LocalCorpusSearch', () => {
  let dir: string;
  // broken.json is reported on every build; the test about it reads the calls, the others stay quiet.
  let warn: jest.SpyInstance;

  beforeEach(async () => {
    warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'corpus-'));
    await fs.mkdir(path.join(dir, 'weather'));
    await fs.writeFile(
      path.join(dir, 'weather', 'hangzhou.md'),
      [
        '---',
        'title: "Hangzhou forecast"',
        'url: https://example.org/weather/hangzhou',
        'date: 2026-07-15',
        '---',
        '# Hangzhou forecast',
        '',
        'The city lies on the Qiantang River. Tourism is busy in July.',
        'Wednesday brings thundershowers with a high of 34 °C and a low of 27 °C. Humidity stays high.',
        '',
        'Thursday is cloudy.',
      ].join('\n'),
    );
    await fs.writeFile(path.join(dir, 'shanghai.md'), '# Shanghai notes\n\nShanghai weather is humid in summer; the Bund faces the Huangpu River.\n');
    await fs.writeFile(
      path.join(dir, 'kb.json'),
      JSON.stringify([
        { title: 'Expense policy', url: 'https://intranet.example/expenses', content: 'Travel expenses need a receipt and manager approval.' },
        { title: 'Office hours', content: 'The office opens at 9 and closes at 18 on weekdays.', date: '2026-01-01' },
      ]),
    );
    await fs.writeFile(path.join(dir, 'broken.json'), '{"title": 1}');
    await fs.writeFile(path.join(dir, 'ignored.txt'), 'Hangzhou Hangzhou Hangzhou');
  });
  afterEach(async () => {
    warn.mockRestore();
    await fs.rm(dir, { recursive: true, force: true });
  });

  test('ranks the best document first and carries its front matter, snippet and full text', async () => {
    const search = new LocalCorpusSearch(dir);
    const results = await search.search('Hangzhou weather forecast thundershowers', { limit: 5 });
    expect(results.map((r) => r.title)).toEqual(['Hangzhou forecast', 'Shanghai notes']);
    const [first] = results;
    expect(first).toMatchObject({ url: 'https://example.org/weather/hangzhou', publishedAt: '2026-07-15' });
    expect(first!.snippet).toContain('Wednesday brings thundershowers with a high of 34 °C');
    expect(first!.snippet.length).toBeLessThanOrEqual(300);
    expect(first!.content).toContain('Thursday is cloudy.');
    expect(first!.content).not.toContain('date: 2026-07-15');
  });

  test('indexes JSON documents; a document without url gets its file:// URL', async () => {
    const search = new LocalCorpusSearch(dir);
    const [hours] = await search.search('when does the office open', { limit: 1 });
    expect(hours).toMatchObject({ title: 'Office hours', publishedAt: '2026-01-01' });
    expect(hours!.url).toBe(`file://${path.join(dir, 'kb.json')}#1`);
    const [expenses] = await search.search('expense receipt', { limit: 1 });
    expect(expenses!.url).toBe('https://intranet.example/expenses');
  });

  test('a file it cannot use is skipped with a warning, once per build', async () => {
    let now = 1_000_000;
    const clock = jest.spyOn(Date, 'now').mockImplementation(() => now);
    try {
      const search = new LocalCorpusSearch(dir);
      expect(await search.search('office hours', { limit: 5 })).not.toEqual([]);
      const skipped = [expect.stringMatching(/skipped broken\.json: not \{title, url\?, content, date\?\}/)];
      expect(warn.mock.calls).toEqual([skipped]);
      // Checked again but unchanged: no rebuild, no repeat.
      now += 5000;
      await search.search('expense receipt', { limit: 5 });
      expect(warn.mock.calls).toEqual([skipped]);
      // Another file changes: the rebuild reports the broken one again.
      await fs.writeFile(path.join(dir, 'airship.md'), '# Airships\n\nA zeppelin is a rigid airship.\n');
      now += 5000;
      await search.search('zeppelin', { limit: 5 });
      expect(warn.mock.calls).toEqual([skipped, skipped]);
    } finally {
      clock.mockRestore();
    }
  });

  test('respects the limit, matches modest prefixes, and finds nothing for unrelated words', async () => {
    const search = new LocalCorpusSearch(dir);
    expect(await search.search('river', { limit: 1 })).toHaveLength(1);
    expect((await search.search('expens', { limit: 5 })).map((r) => r.title)).toEqual(['Expense policy']);
    expect(await search.search('zeppelin', { limit: 5 })).toEqual([]);
    expect(await search.search('the of and', { limit: 5 })).toEqual([]);
  });

  test('re-indexes when the folder changes, looking at most every 2 seconds', async () => {
    let now = 1_000_000;
    const clock = jest.spyOn(Date, 'now').mockImplementation(() => now);
    try {
      const search = new LocalCorpusSearch(dir);
      expect(await search.search('zeppelin', { limit: 5 })).toEqual([]);
      await fs.writeFile(path.join(dir, 'airship.md'), '---\ntitle: Airships\n---\nA zeppelin is a rigid airship.\n');
      now += 1999;
      expect(await search.search('zeppelin', { limit: 5 })).toEqual([]);
      now += 1;
      expect((await search.search('zeppelin', { limit: 5 })).map((r) => r.title)).toEqual(['Airships']);
      await fs.writeFile(path.join(dir, 'airship.md'), '---\ntitle: Airships\n---\nA blimp has no rigid frame.\n');
      now += 2000;
      expect(await search.search('zeppelin', { limit: 5 })).toEqual([]);
    } finally {
      clock.mockRestore();
    }
  });

  test('a missing folder is an empty corpus', async () => {
    expect(await new LocalCorpusSearch(path.join(dir, 'nope')).search('anything', { limit: 5 })).toEqual([]);
  });
});

describe('the shipped sample corpus', () => {
  const corpusDir = path.join(projectRoot, 'knowledge', 'corpus');

  test('every document says it is sample offline data and cites an example.org URL', async () => {
    const files = (await fs.readdir(corpusDir)).filter((f) => f.endsWith('.md'));
    expect(files.length).toBeGreaterThanOrEqual(10);
    for (const file of files) {
      const source = await fs.readFile(path.join(corpusDir, file), 'utf8');
      expect([file, /SAMPLE OFFLINE DATA/.test(source)]).toEqual([file, true]);
      expect([file, /^url: https:\/\/example\.org\//m.test(source)]).toEqual([file, true]);
    }
  });

  test.each([
    ['Hangzhou weather forecast 15 July 2026', 'https://example.org/sample-weather/hangzhou/2026-07-15', /High 34 °C, low 27 °C/],
    ['QTRB last close and daily change', 'https://example.org/sample-markets/QTRB/2026-07-14', /Last close: 48\.36 USD/],
    [
      'final score Hangzhou Harbour FC Westlake United',
      'https://example.org/sample-sports/harbour-vs-westlake-2026-07-12',
      /Hangzhou Harbour FC 2, Westlake United 1/,
    ],
    ['what tool does a carpenter use to drive nails', 'https://example.org/sample-reference/carpenter-tools', /claw hammer/],
    ['ice cube melting in a warm room after an hour', 'https://example.org/sample-reference/ice-melting', /melts completely in roughly an hour/],
    ['30-60-90 triangle side ratio', 'https://example.org/sample-reference/30-60-90-triangle', /1 : √3 : 2/],
  ])('the default backend answers "%s"', async (query, url, fact) => {
    const search = createWebSearch(loadConfig({}));
    expect(search.name).toBe('local-corpus');
    const [first] = await search.search(query, { limit: 5 });
    expect(first!.url).toBe(url);
    expect(first!.snippet).toMatch(fact);
  });
});

describe('hosted search APIs (against a local imitation)', () => {
  let server: Awaited<ReturnType<typeof startServer>>;

  beforeAll(async () => {
    server = await startServer({
      '/searx/search': (req, res) =>
        json(res, {
          query: req.url.searchParams.get('q'),
          results: [
            { url: 'https://weather.example/hz', title: 'Hangzhou weather', content: 'Rain &amp; <b>storms</b> later', publishedDate: '2026-07-15T06:00:00' },
            { url: 'https://b.example/', title: 'Second', content: null },
            { url: 'https://c.example/', title: 'Third' },
          ],
        }),
      '/search': (req, res) =>
        req.headers.authorization === 'Bearer tvly-test'
          ? json(res, {
              query: 'x',
              results: [
                { title: 'QTRB quote', url: 'https://markets.example/qtrb', content: 'Closed at 48.36', score: 0.9, published_date: 'Tue, 14 Jul 2026' },
                { title: 'Other', url: 'https://other.example/', content: 'More', score: 0.5 },
              ],
            })
          : // Some APIs quote the rejected key back; the error must not carry it into logs.
            json(res, { detail: { error: `Unauthorized: invalid API key ${req.headers.authorization?.replace(/^Bearer /, '')}` } }, 401),
      '/res/v1/web/search': (req, res) =>
        req.headers['x-subscription-token'] === 'brave-test'
          ? json(res, {
              type: 'search',
              web: {
                results: [
                  {
                    title: 'Match <strong>report</strong>',
                    url: 'https://sport.example/match',
                    description: 'Harbour won <strong>2–1</strong>',
                    page_age: '2026-07-12T20:00:00',
                  },
                  { title: 'Table', url: 'https://sport.example/table', description: 'League table' },
                ],
              },
            })
          : json(res, { error: `bad token ${String(req.headers['x-subscription-token'])}` }, 401),
      '/limited/search': (_req, res) => json(res, { error: 'slow down' }, 429, { 'retry-after': '7' }),
      '/odd/search': (_req, res) => json(res, { hits: [] }),
    });
  });
  afterAll(() => server.close());

  test('SearXNG: GET /search?format=json, mapped and capped at the limit', async () => {
    const search = new SearxngWebSearch({ baseUrl: `${server.base}/searx`, timeoutMs: 5000 });
    const results = await search.search('Hangzhou weather', { limit: 2 });
    expect(results).toEqual([
      { title: 'Hangzhou weather', url: 'https://weather.example/hz', snippet: 'Rain & storms later', publishedAt: '2026-07-15T06:00:00' },
      { title: 'Second', url: 'https://b.example/', snippet: '', publishedAt: undefined },
    ]);
    const request = server.requests.at(-1)!;
    expect([request.method, request.url.pathname, request.url.searchParams.get('q'), request.url.searchParams.get('format')]).toEqual([
      'GET',
      '/searx/search',
      'Hangzhou weather',
      'json',
    ]);
  });

  test('Tavily: POST /search with the bearer key and max_results', async () => {
    const search = new TavilySearch({ apiKey: 'tvly-test', baseUrl: server.base, timeoutMs: 5000 });
    const results = await search.search('QTRB close', { limit: 1 });
    expect(results).toEqual([{ title: 'QTRB quote', url: 'https://markets.example/qtrb', snippet: 'Closed at 48.36', publishedAt: 'Tue, 14 Jul 2026' }]);
    const request = server.requests.at(-1)!;
    expect(request.method).toBe('POST');
    expect(JSON.parse(request.body)).toMatchObject({ query: 'QTRB close', max_results: 1 });
  });

  test.each([
    ['Tavily', () => new TavilySearch({ apiKey: 'tvly-wrong', baseUrl: server.base, timeoutMs: 5000 }), 'tvly-wrong'],
    ['Brave', () => new BraveWebSearch({ apiKey: 'brave-wrong', baseUrl: server.base, timeoutMs: 5000 }), 'brave-wrong'],
  ])('%s: a rejected key is a non-retryable SearchApiError that does not repeat the key the API echoed', async (_name, create, key) => {
    const err = await create()
      .search('x', { limit: 1 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SearchApiError);
    expect(err).toMatchObject({ status: 401, retryable: false });
    expect((err as Error).message).toMatch(/HTTP 401: .*\[redacted\]/);
    expect((err as Error).message).not.toContain(key);
  });

  test('Brave: GET /res/v1/web/search with X-Subscription-Token; highlight markup stripped', async () => {
    const search = new BraveWebSearch({ apiKey: 'brave-test', baseUrl: server.base, timeoutMs: 5000 });
    const results = await search.search('harbour westlake score', { limit: 5 });
    expect(results).toEqual([
      { title: 'Match report', url: 'https://sport.example/match', snippet: 'Harbour won 2–1', publishedAt: '2026-07-12T20:00:00' },
      { title: 'Table', url: 'https://sport.example/table', snippet: 'League table', publishedAt: undefined },
    ]);
    const request = server.requests.at(-1)!;
    expect([request.url.searchParams.get('q'), request.url.searchParams.get('count')]).toEqual(['harbour westlake score', '5']);
  });

  test('a rate limit carries Retry-After; an unexpected shape is reported, not mapped to nothing', async () => {
    const limited = await new SearxngWebSearch({ baseUrl: `${server.base}/limited`, timeoutMs: 5000 }).search('x', { limit: 5 }).catch((e: unknown) => e);
    expect(limited).toMatchObject({ name: 'SearchApiError', status: 429, retryAfterMs: 7000, retryable: true });
    const odd = await new SearxngWebSearch({ baseUrl: `${server.base}/odd`, timeoutMs: 5000 }).search('x', { limit: 5 }).catch((e: unknown) => e);
    expect(odd).toBeInstanceOf(SearchApiError);
    expect((odd as Error).message).toMatch(/unexpected answer shape at results/);
  });

  test('the registry picks the configured backend', () => {
    expect(createWebSearch(loadConfig({ WEB_SEARCH_BACKEND: 'searxng', SEARXNG_URL: server.base })).name).toBe('searxng');
    expect(createWebSearch(loadConfig({ WEB_SEARCH_BACKEND: 'tavily', TAVILY_API_KEY: 'k' })).name).toBe('tavily');
    expect(createWebSearch(loadConfig({ WEB_SEARCH_BACKEND: 'brave', BRAVE_API_KEY: 'k' })).name).toBe('brave');
  });
});
