/**
 * A client's call through a dependency's outage: retried with backoff (1 s doubling to 30 s) within the
 * outage window (`IMAGE_AGENT_OUTAGE_WINDOW`, the workflows' 10 minutes by default), saying once on stderr
 * that it waits, as runs wait out the same outage (README, "Outages"). Only an unreachable dependency is
 * waited for; any other error (a refused statement, a missing table) fails at once.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { AppConfig } from '../common/config';
import { causeChain } from '../common/causeChain';
import { durationMs } from '../common/duration';

/** The workflows' default window (workflows/activityStubs.ts), for clients configured without one. */
const DEFAULT_OUTAGE_WINDOW = '10 minutes';
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', '57P01', '57P03']);

interface Dependency {
  name: string;
  isUnreachable(err: unknown): boolean;
}

const POSTGRES: Dependency = {
  name: 'Postgres',
  isUnreachable: (err) => {
    const e = err as { code?: unknown; message?: unknown };
    if (typeof e?.code === 'string' && UNREACHABLE_CODES.has(e.code)) return true;
    return typeof e?.message === 'string' && /Connection terminated|timeout exceeded when trying to connect/i.test(e.message);
  },
};

/** Object storage holding the only copy of a key the call needs (security/tenantKeys.ts says so by name). */
const OBJECT_STORAGE: Dependency = {
  name: 'object storage',
  isUnreachable: (err) => causeChain(err, 8).some((e) => (e as Error | undefined)?.name === 'ObjectStorageUnavailableError'),
};

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
