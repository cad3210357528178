/**
 * API authentication: a bearer token (or, for the review page, the same token in an HttpOnly cookie) maps
 * to exactly one tenant. Cookie-authenticated writes must carry X-Requested-With, which a cross-site form
 * cannot send, so the cookie cannot be used for CSRF.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Principal, Role, TokenDirectory } from '../../common/principals';

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

/** The caller is authenticated but lacks the role the route needs. */
export class MissingRoleError extends Error {
  override name = 'MissingRoleError';
}

/** The caller's tenant, or an UnauthorizedError. */
export function tenantOf(req: FastifyRequest, tokens: TokenDirectory): string {
  return principalOf(req, tokens).tenant;
}

/**
 * The authenticated principal (bearer token, or the login cookie), or an UnauthorizedError; with a role,
 * a MissingRoleError unless the principal has it. `cookieWrites`: routes whose cookie-authenticated POSTs
 * need no X-Requested-With (the codec server, which the Temporal UI calls cross-origin under CORS).
 */
export function principalOf(req: FastifyRequest, tokens: TokenDirectory, role?: Role, options: { cookieWrites?: boolean } = {}): Principal {
  const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
  const cookie = readCookie(req.headers.cookie, TOKEN_COOKIE);
  const token = bearer ?? cookie;
  const principal = token ? tokens.principal(token) : undefined;
  if (!principal) throw new UnauthorizedError(token ? 'the token is not valid' : 'a bearer token is required');
  if (!bearer && req.method !== 'GET' && !options.cookieWrites && req.headers['x-requested-with'] !== 'image-agent') {
    throw new UnauthorizedError('cookie-authenticated writes need the X-Requested-With: image-agent header');
  }
  if (role && !principal.roles.includes(role) && !principal.roles.includes('admin')) {
    throw new MissingRoleError(`${principal.name} does not have the ${role} role`);
  }
  return principal;
}

export function setTokenCookie(reply: FastifyReply, token: string, secure = false): void {
  reply.header('set-cookie', `${TOKEN_COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/; Max-Age=43200${secure ? '; Secure' : ''}`);
}
