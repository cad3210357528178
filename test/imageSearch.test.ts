/**
 * Image search and candidate download: the local backend over knowledge/images, the SearXNG and Brave
 * image clients against a local imitation, and the download checks (type, size, decoding, PNG output).
 */
import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import zlib from 'node:zlib';
import sharp from 'sharp';
import { loadConfig } from '../config/loadConfig';
import { projectRoot } from '../common/paths';
import { BraveImageSearch } from '../providers/search/braveSearch';
import { downloadCandidates } from '../providers/search/imageDownload';
import type { ImageSearchResult } from '../providers/search/imageSearch';
import { isInsideDir } from '../providers/search/insideDir';
import { LocalImageSearch } from '../providers/search/localImageSearch';
import { createImageSearch } from '../providers/search/searchRegistry';
import { SearxngImageSearch } from '../providers/search/searxngSearch';

const imageDir = path.join(projectRoot, 'knowledge', 'images');

/** A local HTTP server answering each path with a fixed status, headers and body. */
async function startServer(routes: Record<string, { type?: string; body: Buffer | string; status?: number }>) {
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    hits.push(req.url ?? '');
    const route = routes[new URL(req.url ?? '/', 'http://local').pathname];
    if (!route) return void res.writeHead(404).end();
    res.writeHead(route.status ?? 200, route.type ? { 'content-type': route.type } : {}).end(route.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return { hits, port, base: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(resolve)) };
}

/** A tiny valid PNG whose header then claims other dimensions: what a decompression bomb looks like to metadata(). */
async function pngClaiming(width: number, height: number): Promise<Buffer> {
  const png = await sharp({ create: { width: 20, height: 20, channels: 3, background: 'white' } })
    .png()
    .toBuffer();
  // IHDR data starts after the 8-byte signature, 4-byte length and 4-byte type; its CRC covers type + 13 data bytes.
  png.writeUInt32BE(width, 16);
  png.writeUInt32BE(height, 20);
  png.writeUInt32BE(zlib.crc32(png.subarray(12, 29)), 29);
  return png;
}

describe('LocalImageSearch over the shipped sample images', () => {
  const search = new LocalImageSearch(imageDir);

  test('finds the character sheet by name and role, as a file:// URL inside the folder', async () => {
    const [first, ...rest] = await search.search('Mira the lantern keeper from Lanterns of Lowtide', { limit: 5 });
    expect(first!.title).toMatch(/^Mira, the lantern keeper/);
    expect(first!.imageUrl).toBe(pathToFileURL(path.join(imageDir, 'mira-character-sheet.png')).href);
    expect(first!.pageUrl).toBe('https://example.org/sample-wiki/lanterns-of-lowtide/mira');
    expect(rest).toEqual([]);
    const meta = await sharp(fileURLToPath(first!.imageUrl)).metadata();
    expect(meta.format).toBe('png');
  });

  test('ranks by tags and title, respects the limit, and finds nothing for unrelated words', async () => {
    expect((await search.search('Brightleaf logo on a mug', { limit: 5 })).map((r) => path.basename(r.imageUrl))).toEqual(['brightleaf-logo.png']);
    expect((await search.search('West Lake pagoda Hangzhou', { limit: 1 })).map((r) => path.basename(r.imageUrl))).toEqual(['west-lake-leifeng-pagoda.png']);
    expect((await search.search('hammer for nail', { limit: 5 }))[0]!.title).toMatch(/Claw hammer/);
    expect(await search.search('submarine', { limit: 5 })).toEqual([]);
    expect(await search.search('the a of', { limit: 5 })).toEqual([]);
  });

  test('every shipped image is a small PNG listed in index.json', async () => {
    const index = JSON.parse(await fs.readFile(path.join(imageDir, 'index.json'), 'utf8')) as { file: string }[];
    const files = (await fs.readdir(imageDir)).filter((f) => f.endsWith('.png')).sort();
    expect(index.map((e) => e.file).sort()).toEqual(files);
    for (const file of files) expect([file, (await fs.stat(path.join(imageDir, file))).size < 30 * 1024]).toEqual([file, true]);
  });

  test.each(['../../etc/passwd', '.'])('an index naming %s, not a file inside its folder, is refused', async (file) => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'images-'));
    try {
      await fs.writeFile(path.join(dir, 'index.json'), JSON.stringify([{ file, title: 'passwords' }]));
      await expect(new LocalImageSearch(dir).search('passwords', { limit: 5 })).rejects.toThrow(/is not a file inside/);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  test('the registry defaults to the local backend', () => {
    expect(createImageSearch(loadConfig({})).name).toBe('local-images');
    expect(createImageSearch(loadConfig({ IMAGE_SEARCH_BACKEND: 'brave', BRAVE_API_KEY: 'k' })).name).toBe('brave');
    expect(createImageSearch(loadConfig({ IMAGE_SEARCH_BACKEND: 'searxng', SEARXNG_URL: 'http://searx.example' })).name).toBe('searxng');
  });
});

describe('isInsideDir', () => {
  const root = path.join(os.tmpdir(), 'images');
  test.each([
    [path.join(root, 'a.png'), true],
    [path.join(root, 'sub', 'a.png'), true],
    // A name that merely starts with two dots is still a file of the folder.
    [path.join(root, '..a.png'), true],
    // The folder itself is not a file in it.
    [root, false],
    [`${root}${path.sep}`, false],
    [path.dirname(root), false],
    [path.join(root, '..', 'other', 'a.png'), false],
    // A sibling whose name extends the folder's.
    [`${root}-other${path.sep}a.png`, false],
  ])('%s → %s', (p, inside) => {
    expect(isInsideDir(root, p)).toBe(inside);
  });
});

describe('hosted image search (against a local imitation)', () => {
  let server: http.Server;
  let base: string;
  const requests: URL[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://local');
      requests.push(url);
      res.setHeader('content-type', 'application/json');
      if (url.pathname === '/search') {
        res.end(
          JSON.stringify({
            results: [
              {
                url: 'https://wiki.example/mira',
                title: 'Mira &amp; her lantern',
                img_src: '//img.example/mira.png',
                thumbnail_src: 'https://t.example/m.jpg',
              },
              { url: 'https://page.example/no-image', title: 'No image here' },
              { url: 'https://page.example/two', title: 'Second', img_src: 'https://img.example/two.jpg' },
              { url: 'https://page.example/three', title: 'Third', img_src: 'https://img.example/three.jpg' },
            ],
          }),
        );
      } else if (url.pathname === '/res/v1/images/search' && req.headers['x-subscription-token'] === 'brave-img') {
        res.end(
          JSON.stringify({
            type: 'images',
            results: [
              {
                title: 'Mira fan art',
                url: 'https://fans.example/mira',
                source: 'fans.example',
                thumbnail: { src: 'https://imgs.search.brave.com/t1' },
                properties: { url: 'https://fans.example/mira.jpg' },
              },
              { title: 'Thumbnail only', url: 'https://other.example/p', thumbnail: { src: 'https://imgs.search.brave.com/t2' } },
            ],
          }),
        );
      } else {
        res.statusCode = 401;
        res.end('{}');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  test('SearXNG: categories=images, img_src resolved against its page, results without one skipped', async () => {
    const results = await new SearxngImageSearch({ baseUrl: base, timeoutMs: 5000 }).search('Mira lantern keeper', { limit: 2 });
    expect(results).toEqual([
      { title: 'Mira & her lantern', imageUrl: 'https://img.example/mira.png', pageUrl: 'https://wiki.example/mira' },
      { title: 'Second', imageUrl: 'https://img.example/two.jpg', pageUrl: 'https://page.example/two' },
    ]);
    expect([requests.at(-1)!.searchParams.get('categories'), requests.at(-1)!.searchParams.get('format')]).toEqual(['images', 'json']);
  });

  test('Brave: the original image URL when given, the thumbnail otherwise', async () => {
    const results = await new BraveImageSearch({ apiKey: 'brave-img', baseUrl: base, timeoutMs: 5000 }).search('Mira', { limit: 5 });
    expect(results).toEqual([
      { title: 'Mira fan art', imageUrl: 'https://fans.example/mira.jpg', pageUrl: 'https://fans.example/mira' },
      { title: 'Thumbnail only', imageUrl: 'https://imgs.search.brave.com/t2', pageUrl: 'https://other.example/p' },
    ]);
    expect(requests.at(-1)!.searchParams.get('count')).toBe('5');
  });
});

describe('downloadCandidates', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  let outsideDir: string;
  const fetchOptions = () => ({ timeoutMs: 5000, maxBytes: 1024 * 1024, allowHosts: [`127.0.0.1:${server.port}`] });
  const result = (imageUrl: string): ImageSearchResult => ({ title: path.basename(imageUrl), imageUrl });

  beforeAll(async () => {
    const jpeg = await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 200, g: 30, b: 30 } } })
      .jpeg()
      .toBuffer();
    const bigPng = await sharp({ create: { width: 600, height: 600, channels: 3, background: 'black', noise: { type: 'gaussian', mean: 128, sigma: 60 } } })
      .png()
      .toBuffer();
    server = await startServer({
      '/photo.jpg': { type: 'image/jpeg', body: jpeg },
      '/photo-as-html': { type: 'text/html; charset=utf-8', body: jpeg },
      '/page.html': { type: 'text/html', body: '<html><body>not an image</body></html>' },
      '/big.png': { type: 'image/png', body: bigPng },
      '/garbage.png': { type: 'image/png', body: Buffer.from('this is not a PNG file at all, only text pretending to be one') },
      '/tiny.png': {
        type: 'image/png',
        body: await sharp({ create: { width: 8, height: 8, channels: 3, background: 'blue' } })
          .png()
          .toBuffer(),
      },
      '/bomb.png': { type: 'image/png', body: await pngClaiming(8000, 6000) },
      '/logo.svg': { type: 'image/svg+xml', body: '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"/>' },
      '/missing.png': { type: 'text/html', body: 'not found', status: 404 },
    });
    outsideDir = await fs.mkdtemp(path.join(os.tmpdir(), 'outside-'));
    await fs.writeFile(
      path.join(outsideDir, 'elsewhere.png'),
      await sharp({ create: { width: 32, height: 32, channels: 3, background: 'red' } })
        .png()
        .toBuffer(),
    );
  });
  afterAll(async () => {
    await server.close();
    await fs.rm(outsideDir, { recursive: true, force: true });
  });

  test('a good JPEG is normalised to PNG with its dimensions', async () => {
    const { images, rejected } = await downloadCandidates([result(`${server.base}/photo.jpg`)], fetchOptions(), { localImageDir: imageDir });
    expect(rejected).toEqual([]);
    expect(images).toHaveLength(1);
    const [image] = images;
    expect([image!.width, image!.height, image!.result.imageUrl]).toEqual([64, 48, `${server.base}/photo.jpg`]);
    const meta = await sharp(image!.png).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 64, 48]);
    const { data } = await sharp(image!.png).raw().toBuffer({ resolveWithObject: true });
    expect(data[0]).toBeGreaterThan(150); // still red: decoded, not replaced
  });

  test('each bad candidate is rejected with its own reason; the good ones survive', async () => {
    const urls = ['/photo-as-html', '/page.html', '/big.png', '/garbage.png', '/tiny.png', '/photo.jpg'].map((p) => `${server.base}${p}`);
    const { images, rejected } = await downloadCandidates(urls.map(result), fetchOptions(), {
      localImageDir: imageDir,
      maxBytes: 100 * 1024,
      maxCandidates: 6,
    });
    expect(images.map((i) => i.result.imageUrl)).toEqual([`${server.base}/photo.jpg`]);
    expect(rejected).toEqual([
      { url: urls[0], reason: 'content type "text/html" is not an image' },
      { url: urls[1], reason: 'content type "text/html" is not an image' },
      { url: urls[2], reason: expect.stringMatching(/exceeds the 102400-byte limit|declared \d+ bytes, over the 102400-byte limit/) },
      { url: urls[3], reason: expect.stringMatching(/^not a decodable image/) },
      { url: urls[4], reason: '8x8 is under 16 px on a side' },
    ]);
  });

  test('rejects images over 40 megapixels from their header, SVG, error statuses and blocked addresses', async () => {
    const urls = [`${server.base}/bomb.png`, `${server.base}/logo.svg`, `${server.base}/missing.png`, 'http://169.254.169.254/latest/image.png'];
    const { images, rejected } = await downloadCandidates(urls.map(result), fetchOptions(), { localImageDir: imageDir });
    expect(images).toEqual([]);
    expect(rejected.map((r) => r.reason)).toEqual([
      '8000x6000 is over 40 megapixels',
      'SVG is not accepted as a reference image',
      'HTTP 404',
      expect.stringMatching(/^refused to fetch http:\/\/169\.254\.169\.254\/latest\/image\.png: .*linkLocal/),
    ]);
  });

  test('tries at most maxCandidates (5 by default)', async () => {
    server.hits.length = 0;
    const urls = Array.from({ length: 7 }, (_, i) => `${server.base}/photo.jpg?n=${i}`);
    const { images } = await downloadCandidates(urls.map(result), fetchOptions(), { localImageDir: imageDir });
    expect(images.map((i) => i.result.imageUrl)).toEqual(urls.slice(0, 5));
    expect(server.hits).toHaveLength(5);
  });

  test('downloads the candidates in parallel', async () => {
    // The server answers no request until all five are waiting: one at a time, the first would time out.
    const jpeg = await sharp({ create: { width: 32, height: 32, channels: 3, background: 'green' } })
      .jpeg()
      .toBuffer();
    const waiting: http.ServerResponse[] = [];
    const gate = http.createServer((_req, res) => {
      waiting.push(res);
      if (waiting.length === 5) for (const r of waiting) r.writeHead(200, { 'content-type': 'image/jpeg' }).end(jpeg);
    });
    await new Promise<void>((resolve) => gate.listen(0, '127.0.0.1', resolve));
    const port = (gate.address() as AddressInfo).port;
    try {
      const urls = Array.from({ length: 5 }, (_, i) => `http://127.0.0.1:${port}/photo.jpg?n=${i}`);
      const { images, rejected } = await downloadCandidates(
        urls.map(result),
        { timeoutMs: 3000, maxBytes: 1024 * 1024, allowHosts: [`127.0.0.1:${port}`] },
        { localImageDir: imageDir },
      );
      expect(rejected).toEqual([]);
      expect(images).toHaveLength(5);
    } finally {
      gate.closeAllConnections();
      await new Promise((resolve) => gate.close(resolve));
    }
  });

  test('file:// only inside the local image folder', async () => {
    const inside = pathToFileURL(path.join(imageDir, 'claw-hammer.png')).href;
    const outside = pathToFileURL(path.join(outsideDir, 'elsewhere.png')).href;
    const escaping = `${pathToFileURL(imageDir).href}/../corpus/carpenter-tools.md`;
    const { images, rejected } = await downloadCandidates([inside, outside, escaping, 'file:///etc/passwd'].map(result), fetchOptions(), {
      localImageDir: imageDir,
    });
    expect(images.map((i) => [i.result.imageUrl, i.width, i.height])).toEqual([[inside, 320, 320]]);
    expect(rejected.map((r) => r.reason)).toEqual([
      `local files are read only from the image folder (${imageDir})`,
      `local files are read only from the image folder (${imageDir})`,
      `local files are read only from the image folder (${imageDir})`,
    ]);
  });
});
