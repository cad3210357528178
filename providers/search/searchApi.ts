/**
 * Calling a hosted search API the operator configured (SearXNG, Tavily, Brave): plain fetch with a
 * timeout (the API host is trusted configuration, so no address filter), the answer validated at the edge.
 */
import type { z } from 'zod';

/** A search API call failed. `retryAfterMs` carries the API's Retry-After, when it sent one. */
export class SearchApiError extends Error {
  override name = 'SearchApiError';
  constructor(
    readonly backend: string,
    message: string,
    readonly status?: number,
    readonly retryAfterMs?: number,
  ) {
    super(`${backend} search: ${message}`);
  }

  /** Worth retrying: rate limits, server errors and network failures, not bad requests or bad keys. */
  get retryable(): boolean {
    return this.status === undefined || this.status === 408 || this.status === 429 || this.status >= 500;
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
}

export async function callSearchApi<T>(request: SearchApiRequest, schema: z.ZodType<T>): Promise<T> {
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
    if (timeout.aborted) throw new SearchApiError(request.backend, `no answer within ${request.timeoutMs} ms`);
    throw new SearchApiError(request.backend, `request failed: ${(err as Error).message}`);
  }
  if (!response.ok) {
    const detail = (await response.text().catch(() => '')).slice(0, 200);
    throw new SearchApiError(request.backend, `HTTP ${response.status}${detail ? `: ${detail}` : ''}`, response.status, retryAfterMs(response.headers.get('retry-after')));
  }
  let json: unknown;
  try {
    json = await response.json();
  } catch (err) {
    if (request.signal?.aborted) throw request.signal.reason;
    throw new SearchApiError(request.backend, `answer is not JSON: ${(err as Error).message}`, response.status);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new SearchApiError(request.backend, `unexpected answer shape at ${issue?.path.join('.') || '(root)'}: ${issue?.message}`, response.status);
  }
  return parsed.data;
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

function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}
