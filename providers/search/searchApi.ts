/**
 * Calling a hosted search API the operator configured (SearXNG, Tavily, Brave): plain fetch with a
 * timeout (the API host is trusted configuration, so no address filter), the answer validated at the edge.
 */
import type { z } from 'zod';
import { FailureType } from '../../common/failureTypes';
import { ImageAgentError } from '../../common/imageAgentError';
import { retryAfterMs } from '../retryAfter';
import type { WebSearchResult } from './webSearch';

/**
 * A search API call failed. `retryAfterMs` carries the API's Retry-After, when it sent one. Worth retrying:
 * rate limits, server errors and network failures (no status), not bad requests or bad keys.
 */
export class SearchApiError extends ImageAgentError {
  override name = 'SearchApiError';
  constructor(
    readonly backend: string,
    message: string,
    readonly status?: number,
    retryAfterMs?: number,
  ) {
    const retryable = status === undefined || status === 408 || status === 429 || status >= 500;
    super(`${backend} search: ${message}`, {
      failureType: retryable ? FailureType.RateLimited : FailureType.SearchRequestRejected,
      retryable,
      httpStatus: retryable ? 503 : 502,
      retryAfterMs,
      dependency: 'search',
    });
  }
}

export interface SearchApiRequest {
  backend: string;
  url: URL;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  /** Sent as JSON. */
  body?: unknown;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Values (API keys) blanked out of error messages: an API rejecting a key may quote it back. */
  secrets?: readonly string[];
}

/** `path` under the API's base URL, keeping the base's own path whether or not it ends in "/". */
export function apiUrl(base: string, path: string): URL {
  return new URL(path, base.endsWith('/') ? base : `${base}/`);
}

export async function callSearchApi<T>(request: SearchApiRequest, schema: z.ZodType<T>): Promise<T> {
  const fail = (message: string, status?: number, retryAfter?: number): SearchApiError =>
    new SearchApiError(request.backend, redact(message, request.secrets ?? []), status, retryAfter);
  const timeout = AbortSignal.timeout(request.timeoutMs);
  const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
  let response: Response;
  try {
    response = await fetch(request.url, {
      method: request.method ?? 'GET',
      headers: {
        accept: 'application/json',
        ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...request.headers,
      },
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
      signal,
    });
  } catch (err) {
    if (request.signal?.aborted) throw request.signal.reason;
    if (timeout.aborted) throw fail(`no answer within ${request.timeoutMs} ms`);
    throw fail(`request failed: ${(err as Error).message}`);
  }
  if (!response.ok) {
    const detail = (await response.text().catch(() => '')).slice(0, 200);
    throw fail(`HTTP ${response.status}${detail ? `: ${detail}` : ''}`, response.status, retryAfterMs(response.headers));
  }
  let json: unknown;
  try {
    json = await response.json();
  } catch (err) {
    if (request.signal?.aborted) throw request.signal.reason;
    // V8 quotes the start of the text it could not parse.
    throw fail(`answer is not JSON: ${(err as Error).message}`, response.status);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw fail(`unexpected answer shape at ${issue?.path.join('.') || '(root)'}: ${issue?.message}`, response.status);
  }
  return parsed.data;
}

/** One hit of a web-search API as a result: markup stripped, the URL standing in for a missing title. */
export function toWebResult(hit: { url: string; title?: string | null; snippet?: string | null; publishedAt?: string | null }): WebSearchResult {
  return { title: plainText(hit.title) || hit.url, url: hit.url, snippet: plainText(hit.snippet), publishedAt: hit.publishedAt ?? undefined };
}

/** Search APIs put highlight markup and entities in snippets; the evidence wants plain text. */
export function plainText(html: string | null | undefined): string {
  if (!html) return '';
  return html
    .replace(/<[^>]*>/g, '')
    .replace(/&(#x[0-9a-f]+|#[0-9]+|amp|lt|gt|quot|apos|nbsp);/gi, (entity, code: string) => {
      const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };
      const lower = code.toLowerCase();
      if (lower in named) return named[lower]!;
      const n = lower.startsWith('#x') ? parseInt(lower.slice(2), 16) : parseInt(lower.slice(1), 10);
      return Number.isInteger(n) && n > 0 && n <= 0x10ffff ? String.fromCodePoint(n) : entity;
    })
    .replace(/\s+/g, ' ')
    .trim();
}

function redact(text: string, secrets: readonly string[]): string {
  return secrets.filter(Boolean).reduce((out, secret) => out.replaceAll(secret, '[redacted]'), text);
}
