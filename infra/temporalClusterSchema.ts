/**
 * The cluster's Postgres schemas, made and upgraded by the server's own SQL tool (temporal-sql-tool, built with the
 * server): the `temporal` database for persistence and `temporal_visibility` for SQL visibility. Idempotent: a
 * database is created and set up once, and `update-schema` applies only the versions it lacks.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import type { TemporalClusterBinaries } from './temporalClusterBuild';
import { StackError } from './stackService';

export const CLUSTER_DATABASES = { persistence: 'temporal', visibility: 'temporal_visibility' } as const;

async function state(url: string, database: string): Promise<'missing' | 'empty' | 'set-up'> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) return 'missing';
  } finally {
    await admin.end();
  }
  const target = new URL(url);
  target.pathname = `/${database}`;
  const db = new pg.Client({ connectionString: target.toString() });
  await db.connect();
  try {
    const table = await db.query("SELECT to_regclass('public.schema_version') IS NOT NULL AS present");
    return (table.rows[0] as { present: boolean }).present ? 'set-up' : 'empty';
  } finally {
    await db.end();
  }
}

export async function prepareClusterSchemas(binaries: TemporalClusterBinaries, url: string, log: (line: string) => void): Promise<void> {
  const { hostname, port, username } = new URL(url);
  const tool = async (database: string, ...args: string[]): Promise<void> => {
    const base = ['--plugin', 'postgres12', '--ep', hostname, '-p', port, '-u', decodeURIComponent(username), '--db', database];
    try {
      await promisify(execFile)(binaries.sqlTool, [...base, ...args], { timeout: 120_000 });
    } catch (err) {
      const e = err as { stderr?: string; stdout?: string; message: string };
      const line = `${e.stderr ?? ''}${e.stdout ?? ''}`.trim().split('\n').at(-1) || e.message;
      throw new StackError(`temporal-sql-tool ${args[0]} on ${database} failed: ${line}`);
    }
  };
  for (const [kind, database] of Object.entries(CLUSTER_DATABASES)) {
    const versioned = path.join(binaries.schemaDir, kind === 'persistence' ? 'temporal' : 'visibility', 'versioned');
    const found = await state(url, database);
    if (found === 'missing') await tool(database, 'create-database');
    if (found !== 'set-up') {
      log(`creating Temporal's ${kind} schema in database ${database} with temporal-sql-tool`);
      await tool(database, 'setup-schema', '-v', '0.0');
    }
    await tool(database, 'update-schema', '-d', versioned);
  }
}
