/**
 * Who an activity's paid calls spend for: set by the worker's tenant interceptor from the headers the workflow
 * interceptor puts on every activity (workflows/tenantHeader.ts), read by the budgeted models. Absent outside
 * an activity (the benchmarks' in-process pipeline): nothing is reserved there.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { SpendScope } from './spendLedger';

const scopes = new AsyncLocalStorage<{ scope: SpendScope; calls: number }>();

export function runWithSpendScope<T>(scope: SpendScope | undefined, fn: () => T): T {
  return scope ? scopes.run({ scope, calls: 0 }, fn) : fn();
}

/** The scope of this call and its number within the attempt (the reservation's id), or undefined. */
export function nextSpendCall(): { scope: SpendScope; call: number } | undefined {
  const current = scopes.getStore();
  if (!current) return undefined;
  current.calls += 1;
  return { scope: current.scope, call: current.calls };
}
