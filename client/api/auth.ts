/**
 * API authentication: a bearer token (or, for the review page, the same token in an HttpOnly cookie) maps
 * to exactly one tenant. Cookie-authenticated writes must carry X-Requested-With, which a cross-site form
 * cannot send, so the cookie cannot be used for CSRF.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';

const TOKEN_COOKIE = 'ia_token';

export class UnauthorizedError extends Error {
  override name = 'UnauthorizedError';
}

function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

/** The caller's tenant, or an UnauthorizedError. */
export function tenantOf(req: FastifyRequest, tokens: Map<string, string>): string {
  const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
  const cookie = readCookie(req.headers.cookie, TOKEN_COOKIE);
  const token = bearer ?? cookie;
  const tenant = token ? tokens.get(token) : undefined;
  if (!tenant) throw new UnauthorizedError(token ? 'the token is not valid' : 'a bearer token is required');
  if (!bearer && req.method !== 'GET' && req.headers['x-requested-with'] !== 'image-agent') {
    throw new UnauthorizedError('cookie-authenticated writes need the X-Requested-With: image-agent header');
  }
  return tenant;
}

export function setTokenCookie(reply: FastifyReply, token: string, secure = false): void {
  reply.header('set-cookie', `${TOKEN_COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/; Max-Age=43200${secure ? '; Secure' : ''}`);
}
