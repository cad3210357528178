/**
 * Enforces the route table (routeRoles.ts): every route is registered with its class's rate limiter and then
 * its role check, both onRequest hooks, so a request is limited before it is authenticated and refused before
 * its body is read. A route that is missing from the table cannot be registered at all.
 */
import type { FastifyInstance, FastifyRequest, onRequestAsyncHookHandler, RouteOptions } from 'fastify';
import type { CostClass } from '../../common/apiCostClass';
import type { Principal, TokenDirectory } from '../../common/principals';
import { principalOf } from './auth';
import { routeRule, type RouteRule } from './routeRoles';

const callers = new WeakMap<FastifyRequest, Principal>();

/** The principal the route's role check admitted. */
export function callerOf(req: FastifyRequest): Principal {
  const principal = callers.get(req);
  if (!principal) throw new Error(`${req.method} ${req.routeOptions.url ?? req.url} has no authenticated caller: its rule in routeRoles.ts says anyone`);
  return principal;
}

function roleCheck(rule: RouteRule, tokens: TokenDirectory): onRequestAsyncHookHandler {
  return async (req) => {
    if (rule.roles === 'anyone') return;
    callers.set(req, principalOf(req, tokens, rule.roles, { cookieWrites: rule.cookieWrites === true }));
  };
}

/** Adds the limiter and the role check to every route registered in `app` (and its children) from now on. */
export function guardRoutes(app: FastifyInstance, tokens: TokenDirectory, limiters: Record<CostClass, onRequestAsyncHookHandler>): void {
  app.addHook('onRoute', (route: RouteOptions) => {
    const method = Array.isArray(route.method) ? route.method.join(',') : route.method;
    const rule = routeRule(method, route.url);
    if (!rule) throw new Error(`${method} ${route.url} is not in client/api/routeRoles.ts: every route needs its roles and cost class`);
    const own = route.onRequest === undefined ? [] : Array.isArray(route.onRequest) ? route.onRequest : [route.onRequest];
    route.onRequest = [...(rule.cost === 'free' ? [] : [limiters[rule.cost]]), roleCheck(rule, tokens), ...own];
  });
}
