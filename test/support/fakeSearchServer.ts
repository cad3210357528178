/**
 * A local stand-in for a SearXNG instance (its JSON API, web and image categories) that also serves the pages
 * and images its results point to, so the agent's search path runs over real HTTP: search → fetch → read.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeSearchContent {
  pages: { path: string; title: string; html: string }[];
  images: { path: string; title: string; png: Buffer; pageUrl?: string }[];
}

export class FakeSearchServer {
  base = '';
  readonly queries: { q: string; category: string }[] = [];
  private readonly server: http.Server;

  constructor(private readonly content: FakeSearchContent) {
    this.server = http.createServer((req, res) => this.handle(req, res));
  }

  async start(): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  get hostPort(): string {
    return this.base.replace(/^http:\/\//, '');
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', this.base);
    if (url.pathname === '/search') {
      const category = url.searchParams.get('categories') ?? 'general';
      this.queries.push({ q: url.searchParams.get('q') ?? '', category });
      const results =
        category === 'images'
          ? this.content.images.map((i) => ({ title: i.title, url: i.pageUrl ?? `${this.base}${i.path}`, img_src: `${this.base}${i.path}`, engine: 'fake' }))
          : this.content.pages.map((p) => ({ title: p.title, url: `${this.base}${p.path}`, content: p.title, engine: 'fake' }));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ query: url.searchParams.get('q'), results }));
      return;
    }
    const page = this.content.pages.find((p) => p.path === url.pathname);
    if (page) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(page.html);
      return;
    }
    const image = this.content.images.find((i) => i.path === url.pathname);
    if (image) {
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': image.png.length });
      res.end(image.png);
      return;
    }
    res.writeHead(404).end();
  }
}

export function articleHtml(title: string, paragraphs: string[]): string {
  return `<!doctype html><html><head><title>${title}</title></head><body>
  <nav><a href="/">Home</a> · <a href="/weather">Weather</a> · <a href="/news">News</a></nav>
  <article><h1>${title}</h1>${paragraphs.map((p) => `<p>${p}</p>`).join('\n')}</article>
  <footer>© Example Weather Service · Privacy · Cookies</footer></body></html>`;
}
