/**
 * HTTP for URLs that come from strangers (search results, models, per-request webhooks): only http(s), only
 * public addresses (checked on the literal host and again on every address DNS returns at connect time,
 * so DNS rebinding cannot slip a private address in), redirects followed by hand and re-checked hop by
 * hop, the body size and the total time bounded.
 */
import dns from 'node:dns';
import type { LookupFunction } from 'node:net';
import { Agent, request } from 'undici';
import { blockedRangeOf, isAllowedHost, isIpLiteral } from './addressPolicy';
import { causeChain } from '../../common/causeChain';

export interface SafeFetchOptions {
  /** Budget for the whole fetch: every redirect hop and the body. */
  timeoutMs: number;
  maxBytes: number;
  maxRedirects?: number;
  accept?: string;
  /** host or host:port entries exempt from the address block (lowercase). */
  allowHosts: readonly string[];
  signal?: AbortSignal;
  /** GET by default. Other methods never follow redirects (a webhook must not be bounced elsewhere). */
  method?: 'GET' | 'POST';
  body?: string;
  headers?: Record<string, string>;
}

export interface SafeFetchResponse {
  /** The URL finally answered, after redirects. */
  url: string;
  status: number;
  /** The Content-Type header as sent (media type and parameters), '' when absent. */
  contentType: string;
  body: Buffer;
}

/** The URL's scheme or destination address is not allowed. Not worth retrying. */
export class BlockedUrlError extends Error {
  override name = 'BlockedUrlError';
  constructor(
    readonly url: string,
    readonly reason: string,
  ) {
    super(`refused to fetch ${url}: ${reason}`);
  }
}

/** The fetch exceeded a limit: body size, total time or redirect count. */
export class FetchLimitError extends Error {
  override name = 'FetchLimitError';
  constructor(
    readonly url: string,
    readonly limit: 'size' | 'time' | 'redirects',
    detail: string,
  ) {
    super(`fetching ${url} stopped: ${detail}`);
  }
}

/** Raised inside the connect-time lookup, which knows the hostname but not the URL; safeFetch adds the URL. */
class BlockedAddressError extends Error {
  constructor(
    readonly hostname: string,
    readonly address: string,
    readonly range: string,
  ) {
    super(`${hostname} resolves to ${address} (${range})`);
  }
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

export async function safeFetch(url: string, options: SafeFetchOptions): Promise<SafeFetchResponse> {
  const maxRedirects = options.maxRedirects ?? 5;
  const deadline = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
  // Per-call agents: the guarded one validates resolved addresses; the plain one serves exempt hosts only,
  // so it is made only when a hop goes to one (most fetches never do).
  const guardedAgent = new Agent({ connect: { lookup: publicOnlyLookup } });
  let exemptAgent: Agent | undefined;
  let current = checkUrl(url, options.allowHosts);
  try {
    for (let redirects = 0; ; redirects++) {
      const exempt = isAllowedHost(current, options.allowHosts);
      const method = options.method ?? 'GET';
      const response = await request(current, {
        method,
        dispatcher: exempt ? (exemptAgent ??= new Agent()) : guardedAgent,
        signal,
        body: options.body,
        headers: {
          accept: options.accept ?? '*/*',
          // Uncompressed, so maxBytes bounds what is actually held in memory.
          'accept-encoding': 'identity',
          'user-agent': 'image-agent/0.1',
          ...options.headers,
        },
      });
      const location = headerValue(response.headers.location);
      if (method === 'GET' && REDIRECT_STATUSES.has(response.statusCode) && location) {
        discard(response.body);
        if (redirects >= maxRedirects) throw new FetchLimitError(current.href, 'redirects', `more than ${maxRedirects} redirects`);
        const next = checkUrl(resolveLocation(location, current), options.allowHosts);
        // A public page must not steer the fetch into an internal host the allowlist opens for direct use.
        if (!exempt && isAllowedHost(next, options.allowHosts))
          throw new BlockedUrlError(next.href, 'a redirect from a public host into an allowlisted internal host');
        current = next;
        continue;
      }
      const declared = Number(headerValue(response.headers['content-length']) ?? NaN);
      if (Number.isFinite(declared) && declared > options.maxBytes) {
        discard(response.body);
        throw new FetchLimitError(current.href, 'size', `declared ${declared} bytes, over the ${options.maxBytes}-byte limit`);
      }
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of response.body) {
        size += (chunk as Buffer).length;
        if (size > options.maxBytes) {
          discard(response.body);
          throw new FetchLimitError(current.href, 'size', `body exceeds the ${options.maxBytes}-byte limit`);
        }
        chunks.push(chunk as Buffer);
      }
      return {
        url: current.href,
        status: response.statusCode,
        contentType: headerValue(response.headers['content-type'])?.trim() ?? '',
        body: Buffer.concat(chunks),
      };
    }
  } catch (err) {
    if (err instanceof BlockedUrlError || err instanceof FetchLimitError) throw err;
    if (options.signal?.aborted) throw options.signal.reason;
    if (deadline.aborted) throw new FetchLimitError(current.href, 'time', `no complete answer within ${options.timeoutMs} ms`);
    const blocked = findCause(err, BlockedAddressError);
    if (blocked) throw new BlockedUrlError(current.href, `${blocked.message}, a non-public address`);
    throw new Error(`fetching ${current.href} failed: ${(err as Error).message}`, { cause: err });
  } finally {
    await Promise.all([guardedAgent.destroy(), exemptAgent?.destroy()]);
  }
}

/** A Content-Type header as its lowercased media type ('' when absent) and its charset, when it names one. */
export function parseContentType(header: string): { mediaType: string; charset: string | undefined } {
  const [type = '', ...params] = header.split(';');
  const charset = params.map((p) => p.trim().match(/^charset\s*=\s*"?([^";]+)"?$/i)?.[1]).find((c): c is string => Boolean(c));
  return { mediaType: type.trim().toLowerCase(), charset };
}

/** Parses and checks one hop: scheme, and the address when the host is an IP literal (no DNS involved). */
function checkUrl(raw: string, allowHosts: readonly string[]): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new BlockedUrlError(raw, 'not an absolute URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new BlockedUrlError(url.href, `scheme ${url.protocol} is not http or https`);
  if (isAllowedHost(url, allowHosts)) return url;
  if (isIpLiteral(url.hostname)) {
    const range = blockedRangeOf(url.hostname);
    if (range) throw new BlockedUrlError(url.href, `${url.hostname} is a ${range} address`);
  }
  return url;
}

function resolveLocation(location: string, base: URL): string {
  try {
    return new URL(location, base).href;
  } catch {
    throw new BlockedUrlError(location, `unparseable redirect from ${base.href}`);
  }
}

/**
 * DNS lookup for the guarded agent: every address the name resolves to must be public, otherwise the
 * connection is refused (one private answer is enough to refuse: the socket might pick it).
 */
const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, '');
    for (const { address } of addresses) {
      const range = blockedRangeOf(address);
      if (range) return callback(Object.assign(new BlockedAddressError(hostname, address, range), { code: 'EBLOCKED' }), '');
    }
    const first = addresses[0];
    if (!first) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '');
    if (options.all) callback(null, addresses);
    else callback(null, first.address, first.family);
  });
};

/** Drops a body we will not read; destroying it emits an abort error nobody needs to hear. */
function discard(body: NodeJS.ReadableStream & { destroy(): void }): void {
  body.on('error', () => undefined);
  body.destroy();
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function findCause<T extends Error>(err: unknown, type: new (...args: never[]) => T): T | undefined {
  return causeChain(err).find((e): e is T => e instanceof type);
}
