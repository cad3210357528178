/**
 * A client's call through a dependency's outage: retried with backoff (1 s doubling to 30 s) within the
 * outage window (`IMAGE_AGENT_OUTAGE_WINDOW`, the workflows' 10 minutes by default), saying once on stderr
 * that it waits, as runs wait out the same outage (docs/operations.md, "Outages"). Only an unreachable dependency is
 * waited for; any other error (a refused statement, a missing table) fails at once.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { AppConfig } from '../common/config';
import { durationMs } from '../common/duration';
import { findImageAgentError, type Dependency as ImageAgentDependency } from '../common/imageAgentError';

/** The workflows' default window (workflows/activityStubs.ts), for clients configured without one. */
const DEFAULT_OUTAGE_WINDOW = '10 minutes';
interface Dependency {
  name: string;
  isUnreachable(err: unknown): boolean;
}

/** An outage of `dependency`, as the error says (common/imageAgentError.ts): worth waiting for. */
const outageOf =
  (dependency: ImageAgentDependency) =>
  (err: unknown): boolean => {
    const known = findImageAgentError(err);
    return known?.dependency === dependency && known.retryable;
  };

const POSTGRES: Dependency = { name: 'Postgres', isUnreachable: outageOf('postgres') };

/** Object storage holding the only copy of a key the call needs (security/tenantKeys.ts). */
const OBJECT_STORAGE: Dependency = { name: 'object storage', isUnreachable: outageOf('object-storage') };

async function waitingOut<T>(config: Pick<AppConfig, 'outageWindow'>, dependency: Dependency, purpose: string, call: () => Promise<T>): Promise<T> {
  const window = config.outageWindow ?? DEFAULT_OUTAGE_WINDOW;
  const deadline = Date.now() + durationMs(window);
  let delayMs = 1000;
  let told = false;
  for (;;) {
    try {
      return await call();
    } catch (err) {
      if (!dependency.isUnreachable(err) || Date.now() + delayMs > deadline) throw err;
      if (!told) console.error(`image-agent: ${dependency.name} is unreachable; waiting up to ${window} to ${purpose}`);
      told = true;
      await sleep(delayMs);
      delayMs = Math.min(delayMs * 2, 30_000);
    }
  }
}

export function waitingOutPostgres<T>(config: Pick<AppConfig, 'outageWindow'>, purpose: string, statement: () => Promise<T>): Promise<T> {
  return waitingOut(config, POSTGRES, purpose, statement);
}

export function waitingOutObjectStorage<T>(config: Pick<AppConfig, 'outageWindow'>, purpose: string, call: () => Promise<T>): Promise<T> {
  return waitingOut(config, OBJECT_STORAGE, purpose, call);
}
