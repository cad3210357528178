/** Web and image search through the Brave Search API (X-Subscription-Token header). */
import { z } from 'zod';
import type { ImageSearch, ImageSearchResult } from './imageSearch';
import { apiUrl, callSearchApi, plainText, toWebResult, type SearchApiRequest } from './searchApi';
import type { SearchBackend } from './searchBackend';
import type { WebSearch, WebSearchResult } from './webSearch';

export interface BraveOptions {
  apiKey: string;
  timeoutMs: number;
  /** Defaults to https://api.search.brave.com; tests point it at a local server. */
  baseUrl?: string;
}

const webAnswer = z.object({
  // Brave leaves `web` out when nothing matched.
  web: z
    .object({
      results: z.array(
        z.object({
          url: z.string(),
          title: z.string().nullish(),
          description: z.string().nullish(),
          page_age: z.string().nullish(),
        }),
      ),
    })
    .optional(),
});

const imageAnswer = z.object({
  results: z.array(
    z.object({
      title: z.string().nullish(),
      /** The page the image appears on. */
      url: z.string().nullish(),
      properties: z.object({ url: z.string().nullish() }).nullish(),
      thumbnail: z.object({ src: z.string().nullish() }).nullish(),
    }),
  ),
});

export class BraveWebSearch implements WebSearch {
  readonly name = 'brave';
  constructor(private readonly options: BraveOptions) {}

  async search(query: string, options: { limit: number; signal?: AbortSignal }): Promise<WebSearchResult[]> {
    const answer = await callSearchApi(braveRequest(this.options, 'res/v1/web/search', query, options), webAnswer);
    return (answer.web?.results ?? [])
      .slice(0, options.limit)
      .map((r) => toWebResult({ url: r.url, title: r.title, snippet: r.description, publishedAt: r.page_age }));
  }
}

export class BraveImageSearch implements ImageSearch {
  readonly name = 'brave';
  constructor(private readonly options: BraveOptions) {}

  async search(query: string, options: { limit: number; signal?: AbortSignal }): Promise<ImageSearchResult[]> {
    const answer = await callSearchApi(braveRequest(this.options, 'res/v1/images/search', query, options), imageAnswer);
    const results: ImageSearchResult[] = [];
    for (const r of answer.results) {
      if (results.length >= options.limit) break;
      // The original image when Brave knows it; its thumbnail (a Brave-hosted copy) otherwise.
      const imageUrl = r.properties?.url ?? r.thumbnail?.src;
      if (!imageUrl) continue;
      results.push({ title: plainText(r.title) || imageUrl, imageUrl, pageUrl: r.url ?? undefined });
    }
    return results;
  }
}

function braveRequest(brave: BraveOptions, path: string, query: string, options: { limit: number; signal?: AbortSignal }): SearchApiRequest {
  const url = apiUrl(brave.baseUrl ?? 'https://api.search.brave.com', path);
  url.searchParams.set('q', query);
  url.searchParams.set('count', String(options.limit));
  return {
    backend: 'brave',
    url,
    headers: { 'x-subscription-token': brave.apiKey },
    secrets: [brave.apiKey],
    timeoutMs: brave.timeoutMs,
    signal: options.signal,
  };
}

/** WEB_SEARCH_BACKEND=brave, IMAGE_SEARCH_BACKEND=brave */
export const braveBackend = {
  name: 'brave',
  about: 'The Brave Search API, for web and image search.',
  settings: { BRAVE_API_KEY: { kind: 'secret', description: 'The Brave Search API key.' } },
  web: (ctx) => new BraveWebSearch({ apiKey: ctx.settings.BRAVE_API_KEY, timeoutMs: ctx.timeoutMs }),
  image: (ctx) => new BraveImageSearch({ apiKey: ctx.settings.BRAVE_API_KEY, timeoutMs: ctx.timeoutMs }),
} as const satisfies SearchBackend<'BRAVE_API_KEY'>;
