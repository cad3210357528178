/** Web and image search through a SearXNG instance's JSON API (GET /search?format=json). */
import { z } from 'zod';
import type { ImageSearch, ImageSearchResult } from './imageSearch';
import { apiUrl, callSearchApi, plainText, toWebResult } from './searchApi';
import type { SearchBackend } from './searchBackend';
import type { WebSearch, WebSearchResult } from './webSearch';

export interface SearxngOptions {
  /** The instance's base URL, e.g. http://searxng.internal:8080 (its JSON format must be enabled). */
  baseUrl: string;
  timeoutMs: number;
}

const webAnswer = z.object({
  results: z.array(
    z.object({
      url: z.string(),
      title: z.string().nullish(),
      content: z.string().nullish(),
      publishedDate: z.string().nullish(),
    }),
  ),
});

const imageAnswer = z.object({
  results: z.array(
    z.object({
      url: z.string().nullish(),
      title: z.string().nullish(),
      img_src: z.string().nullish(),
    }),
  ),
});

export class SearxngWebSearch implements WebSearch {
  readonly name = 'searxng';
  constructor(private readonly options: SearxngOptions) {}

  async search(query: string, options: { limit: number; signal?: AbortSignal }): Promise<WebSearchResult[]> {
    const answer = await callSearchApi(
      { backend: this.name, url: searchUrl(this.options.baseUrl, query, 'general'), timeoutMs: this.options.timeoutMs, signal: options.signal },
      webAnswer,
    );
    return answer.results.slice(0, options.limit).map((r) => toWebResult({ url: r.url, title: r.title, snippet: r.content, publishedAt: r.publishedDate }));
  }
}

export class SearxngImageSearch implements ImageSearch {
  readonly name = 'searxng';
  constructor(private readonly options: SearxngOptions) {}

  async search(query: string, options: { limit: number; signal?: AbortSignal }): Promise<ImageSearchResult[]> {
    const answer = await callSearchApi(
      { backend: this.name, url: searchUrl(this.options.baseUrl, query, 'images'), timeoutMs: this.options.timeoutMs, signal: options.signal },
      imageAnswer,
    );
    const results: ImageSearchResult[] = [];
    for (const r of answer.results) {
      if (results.length >= options.limit) break;
      // img_src is sometimes protocol-relative ("//host/x.jpg"): resolve it against the page it came from.
      const imageUrl = r.img_src ? absoluteUrl(r.img_src, r.url ?? undefined) : undefined;
      if (!imageUrl) continue;
      results.push({ title: plainText(r.title) || imageUrl, imageUrl, pageUrl: r.url ?? undefined });
    }
    return results;
  }
}

function searchUrl(baseUrl: string, query: string, category: 'general' | 'images'): URL {
  const url = apiUrl(baseUrl, 'search');
  url.searchParams.set('q', query);
  url.searchParams.set('format', 'json');
  url.searchParams.set('categories', category);
  return url;
}

function absoluteUrl(src: string, base: string | undefined): string | undefined {
  try {
    const url = base ? new URL(src, base) : new URL(src.startsWith('//') ? `https:${src}` : src);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/** WEB_SEARCH_BACKEND=searxng, IMAGE_SEARCH_BACKEND=searxng */
export const searxngBackend = {
  name: 'searxng',
  about: 'A SearXNG instance (self-hosted metasearch), for web and image search.',
  settings: { SEARXNG_URL: { kind: 'url', description: 'The SearXNG base URL; its JSON format must be enabled.' } },
  web: (ctx) => new SearxngWebSearch({ baseUrl: ctx.settings.SEARXNG_URL, timeoutMs: ctx.timeoutMs }),
  image: (ctx) => new SearxngImageSearch({ baseUrl: ctx.settings.SEARXNG_URL, timeoutMs: ctx.timeoutMs }),
} as const satisfies SearchBackend<'SEARXNG_URL'>;
