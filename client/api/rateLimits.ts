/**
 * The API's rate limits (@fastify/rate-limit): one budget per principal and cost class (routeRoles.ts), per
 * client address for callers without a valid token (before authentication, so guessing tokens is limited
 * too). The key is the principal the token resolves to, never the header's spelling: `Bearer  x` or `bearer x`
 * is the same caller, and two tokens of one principal (a rotation) share its budget. The limiter's store keys
 * hold tenant and principal names, never a token.
 */
import type { FastifyInstance, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import type { RateLimitPluginOptions } from '@fastify/rate-limit';
import type { CostClass } from '../../common/apiCostClass';
import type { TokenDirectory } from '../../common/principals';
import { presentedToken } from './auth';
import { FailureType } from '../../common/failureTypes';
import { ImageAgentError } from '../../common/imageAgentError';

const WINDOW_MS = 60_000;

/** A caller over its budget. The plugin has set Retry-After and the x-ratelimit headers on the reply already. */
class RateLimitedError extends ImageAgentError {
  override name = 'RateLimitedError';
  readonly statusCode = 429;
  constructor(message: string) {
    super(message, { failureType: FailureType.RateLimited, retryable: true, httpStatus: 429 });
  }
}

function rateLimitKey(req: FastifyRequest, tokens: TokenDirectory): string {
  const presented = presentedToken(req);
  const principal = presented ? tokens.principal(presented.token) : undefined;
  return principal ? `principal:${principal.tenant}/${principal.name}` : `address:${req.ip}`;
}

/** The plugin's options: no global hook (each route gets its class's limiter from costLimiters). */
export function rateLimitPluginOptions(tokens: TokenDirectory): RateLimitPluginOptions {
  return { global: false, keyGenerator: (req) => rateLimitKey(req, tokens) };
}

/**
 * One onRequest limiter per cost class, each with its own store (a budget per class). Needs the plugin loaded:
 * call it inside a plugin registered after it. An exceeded budget answers 429 with Retry-After and the
 * x-ratelimit-limit/-remaining/-reset headers.
 */
export function costLimiters(app: FastifyInstance, limits: Record<CostClass, number>): Record<CostClass, onRequestAsyncHookHandler> {
  const limiter = (cost: CostClass): onRequestAsyncHookHandler =>
    app.rateLimit({
      max: limits[cost],
      timeWindow: WINDOW_MS,
      errorResponseBuilder: (_req, context) =>
        new RateLimitedError(`rate limit exceeded: at most ${context.max} ${cost} requests per minute; retry after ${context.after}`),
    });
  return { ordinary: limiter('ordinary'), start: limiter('start'), upload: limiter('upload'), codec: limiter('codec') };
}
