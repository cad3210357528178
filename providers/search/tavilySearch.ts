/** Web search through Tavily's search API (POST /search, bearer API key). */
import { z } from 'zod';
import { apiUrl, callSearchApi, toWebResult } from './searchApi';
import type { SearchBackend } from './searchBackend';
import type { WebSearch, WebSearchResult } from './webSearch';

export interface TavilyOptions {
  apiKey: string;
  timeoutMs: number;
  /** Defaults to https://api.tavily.com; tests point it at a local server. */
  baseUrl?: string;
}

const answerSchema = z.object({
  results: z.array(
    z.object({
      url: z.string(),
      title: z.string().nullish(),
      content: z.string().nullish(),
      published_date: z.string().nullish(),
    }),
  ),
});

export class TavilySearch implements WebSearch {
  readonly name = 'tavily';
  constructor(private readonly options: TavilyOptions) {}

  async search(query: string, options: { limit: number; signal?: AbortSignal }): Promise<WebSearchResult[]> {
    const answer = await callSearchApi(
      {
        backend: this.name,
        url: apiUrl(this.options.baseUrl ?? 'https://api.tavily.com', 'search'),
        method: 'POST',
        headers: { authorization: `Bearer ${this.options.apiKey}` },
        secrets: [this.options.apiKey],
        body: { query, max_results: options.limit, search_depth: 'basic' },
        timeoutMs: this.options.timeoutMs,
        signal: options.signal,
      },
      answerSchema,
    );
    return answer.results.slice(0, options.limit).map((r) => toWebResult({ url: r.url, title: r.title, snippet: r.content, publishedAt: r.published_date }));
  }
}

/** WEB_SEARCH_BACKEND=tavily */
export const tavilyBackend = {
  name: 'tavily',
  // TAVILY_URL: a Tavily-compatible endpoint (a gateway or proxy in front of the API); the public API when unset.
  about: 'The Tavily search API, for web search.',
  settings: {
    TAVILY_API_KEY: { kind: 'secret', description: 'The Tavily API key.' },
    TAVILY_URL: { kind: 'optional url', description: 'A Tavily-compatible endpoint (a gateway or proxy); default `https://api.tavily.com`.' },
  },
  web: (ctx) => new TavilySearch({ apiKey: ctx.settings.TAVILY_API_KEY, baseUrl: ctx.settings.TAVILY_URL || undefined, timeoutMs: ctx.timeoutMs }),
} as const satisfies SearchBackend<'TAVILY_API_KEY' | 'TAVILY_URL'>;
