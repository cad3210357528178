/**
 * The providers a run's model calls may go to (its tenant's `allowedProviders`, narrowed by the request; common/
 * resolveRunOptions.ts), set per activity by the worker's tenant interceptor from the header the workflow puts
 * on every activity (workflows/tenantHeader.ts). Every model of a role checks it before a call: a chain keeps
 * only the allowed links (the first of them answers as the role's own), a single vendor must be allowed itself,
 * and an embedder that is not allowed is not used (memory falls back to full-text search).
 * Absent (no list, or outside an activity): every configured provider. A run whose roles allow no link is
 * refused at start (client/startUnderPolicy.ts); this is the worker's own check, so nothing else can send a
 * tenant's prompt to a provider it excluded.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { FailureType } from '../../common/failureTypes';
import { ImageAgentError } from '../../common/imageAgentError';

const scope = new AsyncLocalStorage<readonly string[]>();

export function runWithAllowedProviders<T>(allowed: readonly string[] | undefined, fn: () => T): T {
  return allowed ? scope.run(allowed, fn) : fn();
}

export class ProviderNotAllowedError extends ImageAgentError {
  override name = 'ProviderNotAllowedError';
  constructor(role: string, providers: readonly string[], allowed: readonly string[]) {
    super(`the ${role} role's providers (${providers.join(', ')}) include none this run may use (${allowed.join(', ')})`, {
      failureType: FailureType.ProviderNotAllowed,
      retryable: false,
      httpStatus: 403,
      dependency: 'model',
    });
  }
}

/** Whether this call may go to `provider` (the embedder, which memory can do without, asks this). */
export function isAllowed(provider: string): boolean {
  return scope.getStore()?.includes(provider) ?? true;
}

/** The links of a role's chain this call may use, in order; none is a ProviderNotAllowedError. */
export function allowedLinks<L extends { name: string }>(role: string, links: readonly L[]): readonly L[] {
  const allowed = scope.getStore();
  if (!allowed) return links;
  const kept = links.filter((l) => allowed.includes(l.name));
  if (!kept.length)
    throw new ProviderNotAllowedError(
      role,
      links.map((l) => l.name),
      allowed,
    );
  return kept;
}

/** A role's model from one provider (no chain), whose every method first checks the provider is allowed. */
export function allowedOnly<T extends object>(role: string, provider: string, model: T): T {
  return new Proxy(model, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        allowedLinks(role, [{ name: provider }]);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}
