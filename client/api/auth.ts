/**
 * API authentication: a bearer token (or, for the review page, the same token in an HttpOnly cookie) maps
 * to exactly one tenant. Cookie-authenticated writes must carry X-Requested-With, which a cross-site form
 * cannot send, so the cookie cannot be used for CSRF.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Principal, Role, TokenDirectory } from '../../common/principals';
import { ImageAgentError } from '../../common/imageAgentError';

const TOKEN_COOKIE = 'ia_token';

export class UnauthorizedError extends ImageAgentError {
  override name = 'UnauthorizedError';
  constructor(message: string) {
    super(message, { retryable: false, httpStatus: 401 });
  }
}

function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

/** The caller is authenticated but lacks the role the route needs. */
export class MissingRoleError extends ImageAgentError {
  override name = 'MissingRoleError';
  constructor(message: string) {
    super(message, { retryable: false, httpStatus: 403 });
  }
}

/**
 * The token the request presents: the bearer token (`Bearer` in any letter case, any run of spaces), else the
 * login cookie. Its principal, not its spelling, is what the rate limiter and the role checks key on.
 */
export function presentedToken(req: FastifyRequest): { token: string; bearer: boolean } | undefined {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
  if (bearer) return { token: bearer, bearer: true };
  const cookie = readCookie(req.headers.cookie, TOKEN_COOKIE);
  return cookie ? { token: cookie, bearer: false } : undefined;
}

/** Whether the principal holds one of the roles (admin holds every role). */
export function hasRole(principal: Principal, roles: readonly Role[]): boolean {
  return principal.roles.includes('admin') || roles.some((r) => principal.roles.includes(r));
}

/**
 * The authenticated principal (bearer token, or the login cookie), or an UnauthorizedError; with roles,
 * a MissingRoleError unless the principal has one of them. `cookieWrites`: routes whose cookie-authenticated
 * POSTs need no X-Requested-With (the codec server, which the Temporal UI calls cross-origin under CORS).
 */
export function principalOf(req: FastifyRequest, tokens: TokenDirectory, roles?: readonly Role[], options: { cookieWrites?: boolean } = {}): Principal {
  const presented = presentedToken(req);
  const principal = presented ? tokens.principal(presented.token) : undefined;
  if (!principal) throw new UnauthorizedError(presented ? 'the token is not valid' : 'a bearer token is required');
  if (!presented?.bearer && req.method !== 'GET' && !options.cookieWrites && req.headers['x-requested-with'] !== 'image-agent') {
    throw new UnauthorizedError('cookie-authenticated writes need the X-Requested-With: image-agent header');
  }
  if (roles && !hasRole(principal, roles)) {
    throw new MissingRoleError(`${principal.name} does not have the ${roles.length ? roles.join(' or ') : 'admin'} role`);
  }
  return principal;
}

/**
 * The user a start runs for: a principal acts as itself (its name is its user id) unless it may act for its
 * tenant's users (delegate or admin). A stranger's `userId` would otherwise read and write that user's memory.
 */
export function actingUser(principal: Principal, userId: string): string {
  if (userId === principal.name || hasRole(principal, ['delegate'])) return userId;
  throw new MissingRoleError(`${principal.name} may start runs only as itself (userId "${principal.name}"); acting for another user needs the delegate role`);
}

export function setTokenCookie(reply: FastifyReply, token: string, secure = false): void {
  reply.header('set-cookie', `${TOKEN_COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/; Max-Age=43200${secure ? '; Secure' : ''}`);
}

/**
 * Why a sign-in comes from another site, or undefined. Browsers send `Origin` on every cross-origin POST (and
 * `Sec-Fetch-Site`); a request with neither (curl, a script) is not a browser that could be tricked.
 */
export function crossSiteReason(req: FastifyRequest): string | undefined {
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return `the form was posted from another site (Sec-Fetch-Site: ${String(site)})`;
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== `${req.protocol}://${req.host}`) return `the form was posted from another origin (${origin.slice(0, 200)})`;
  return undefined;
}
