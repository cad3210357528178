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
import pg, { escapeLiteral, Pool } from 'pg';

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
    const call = (pg.Client.prototype.query as (...a: unknown[]) => never).bind(this);
    if (typeof first === 'string' && Array.isArray(second)) return call(inlineParameters(first, second), ...rest);
    if (first && typeof first === 'object' && typeof (first as { text?: unknown }).text === 'string' && Array.isArray((first as { values?: unknown }).values)) {
      const q = first as { text: string; values: unknown[] };
      return call({ ...q, text: inlineParameters(q.text, q.values), values: undefined }, second, ...rest);
    }
    return call(...args);
  }
}

/** `allowExitOnIdle`: a pool a short-lived process keeps for its lifetime, that must not keep it alive once idle. */
export function createPool(databaseUrl: string, max = 4, options: { allowExitOnIdle?: boolean } = {}): Pool {
  const pool = new Pool({
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
