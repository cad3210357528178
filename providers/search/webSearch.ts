/** The web-search role: a query in, at most `limit` results out, each with the URL it came from. */

export interface WebSearchResult {
  title: string;
  url: string;
  snippet: string;
  /** Full text, when the backend already holds it (the local corpus); otherwise the page is fetched. */
  content?: string;
  publishedAt?: string;
}

export interface WebSearch {
  /** Backend name, recorded with the evidence (local-corpus, searxng, tavily, brave). */
  readonly name: string;
  search(query: string, options: { limit: number; signal?: AbortSignal }): Promise<WebSearchResult[]>;
}
