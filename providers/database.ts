/**
 * The Postgres pool shared by memory and migrations: PGlite over the wire by default, any server via DATABASE_URL.
 *
 * Every statement goes out as one simple-protocol message, its parameters inlined as escaped literals.
 * The embedded server (pglite-socket) multiplexes all connections onto PGlite's single session and
 * serialises them per message, so the several messages of an extended-protocol query (Parse, Bind,
 * Execute, Sync) from two connections can interleave and run each other's statement — silently wrong
 * results and lost rows under concurrency (electric-sql/pglite#1046; found by the soak). One message per
 * statement is atomic there, and behaves the same on a real server.
 */
import pg, { DatabaseError, escapeLiteral, Pool } from 'pg';
import { FailureType } from '../common/failureTypes';
import { ImageAgentError } from '../common/imageAgentError';

/** Postgres gave no answer: the connection was refused, dropped or timed out, or the server is shutting down. */
export class PostgresUnavailableError extends ImageAgentError {
  override name = 'PostgresUnavailableError';
  constructor(cause: unknown) {
    super(
      `Postgres is unreachable: ${(cause as Error | undefined)?.message ?? String(cause)}`,
      { retryable: true, httpStatus: 502, dependency: 'postgres' },
      { cause },
    );
  }
}

/** A data exception (a NUL byte, an invalid encoding): the same row fails the same way on every retry. */
export class DatabaseRefusedDataError extends ImageAgentError {
  override name = 'DatabaseRefusedDataError';
  constructor(cause: DatabaseError) {
    super(
      `the database refused the data: ${cause.message}`,
      { failureType: FailureType.InvalidInput, retryable: false, httpStatus: 400, dependency: 'postgres' },
      { cause },
    );
  }
}

/** Node's codes for a connection that was refused, dropped or never made. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'EPIPE']);

/**
 * A pg error as what it means, by its type and code: SQLSTATE class 22 is the data, class 08 and 57P01-03 (the
 * server shutting down or starting) an outage, as are Node's network errors and the bare Errors pg and pg-pool
 * raise for a lost or timed-out connection (the server's own errors are DatabaseErrors, pg's argument errors
 * TypeErrors). Anything else stays as it is.
 */
function classifyPostgresError(err: unknown): unknown {
  if (err instanceof ImageAgentError) return err;
  if (err instanceof DatabaseError) {
    const code = err.code ?? '';
    if (code.startsWith('22')) return new DatabaseRefusedDataError(err);
    if (code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03') return new PostgresUnavailableError(err);
    return err;
  }
  const code = (err as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return new PostgresUnavailableError(err);
  if (err instanceof Error && err.constructor === Error) return new PostgresUnavailableError(err);
  return err;
}

/** The promise's error classified; anything else (a callback-style call's undefined) as it is. */
function classified(result: unknown): unknown {
  if (!(result instanceof Promise)) return result;
  return result.catch((err: unknown) => {
    throw classifyPostgresError(err);
  });
}

function literal(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`cannot send ${value} to Postgres`);
    return String(value);
  }
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'string') return escapeLiteral(value);
  if (value instanceof Date) return escapeLiteral(value.toISOString());
  // An array as Postgres's array literal ('{"a","b"}'), typed by its context as pg's own arrays are.
  if (Array.isArray(value)) return escapeLiteral(`{${value.map(arrayElement).join(',')}}`);
  throw new TypeError(
    `unsupported query parameter of type ${typeof value}: pass strings (JSON.stringify for jsonb), numbers, booleans, dates, arrays of them or null`,
  );
}

function arrayElement(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'string') return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  throw new TypeError(`unsupported array element of type ${typeof value}`);
}

/** `$1`-style placeholders replaced by literals; our statements never hold `$n` inside a string literal. */
function inlineParameters(text: string, values: readonly unknown[]): string {
  return text.replace(/\$(\d+)/g, (whole, n: string) => {
    const index = Number(n) - 1;
    if (index < 0 || index >= values.length) throw new RangeError(`${whole} has no value (${values.length} given)`);
    return literal(values[index]);
  });
}

class SimpleProtocolClient extends pg.Client {
  // pg's query() has many overloads; every form that carries values is rewritten, the rest pass through.
  override query(...args: unknown[]): never {
    const [first, second, ...rest] = args;
    const call = (...a: unknown[]): never => classified((pg.Client.prototype.query as (...b: unknown[]) => unknown).apply(this, a)) as never;
    if (typeof first === 'string' && Array.isArray(second)) return call(inlineParameters(first, second), ...rest);
    if (first && typeof first === 'object' && typeof (first as { text?: unknown }).text === 'string' && Array.isArray((first as { values?: unknown }).values)) {
      const q = first as { text: string; values: unknown[] };
      return call({ ...q, text: inlineParameters(q.text, q.values), values: undefined }, second, ...rest);
    }
    return call(...args);
  }
}

/** A pool whose queries and connections fail with classified errors (the pool's own queries go through its clients' callbacks, and so are classified here). */
class ClassifyingPool extends Pool {
  override query(...args: unknown[]): never {
    const result = (Pool.prototype.query as (...a: unknown[]) => unknown).apply(this, args);
    // A pool already ended is this process's own doing, not an outage.
    return (this.ending ? result : classified(result)) as never;
  }

  override connect(...args: unknown[]): never {
    const result = (Pool.prototype.connect as (...a: unknown[]) => unknown).apply(this, args);
    return (this.ending ? result : classified(result)) as never;
  }
}

/** `allowExitOnIdle`: a pool a short-lived process keeps for its lifetime, that must not keep it alive once idle. */
export function createPool(databaseUrl: string, max = 4, options: { allowExitOnIdle?: boolean } = {}): Pool {
  const pool = new ClassifyingPool({
    connectionString: databaseUrl,
    max,
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 10_000,
    Client: SimpleProtocolClient,
    ...options,
  });
  // An idle client losing its server must not crash the process; the next query reports it.
  pool.on('error', () => undefined);
  return pool;
}

export async function databaseReachable(databaseUrl: string): Promise<boolean> {
  const pool = createPool(databaseUrl, 1);
  try {
    await pool.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await pool.end().catch(() => undefined);
  }
}
