/**
 * Ordered SQL migrations with a version table. A file named `NNN_name.vector.sql` needs pgvector and is
 * applied only where the extension is available; it is not recorded when skipped, so it applies later
 * if the extension appears.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Pool } from 'pg';
import { projectRoot } from '../common/paths';

const MIGRATIONS_DIR = path.join(projectRoot, 'infra', 'migrations');

export interface MigrationResult {
  applied: string[];
  skipped: string[];
  vector: boolean;
}

export async function migrate(pool: Pool, dir = MIGRATIONS_DIR): Promise<MigrationResult> {
  const files = fs
    .readdirSync(dir)
    .filter((f) => /^\d+_[\w-]+(\.vector)?\.sql$/.test(f))
    .sort();
  const client = await pool.connect();
  try {
    await client.query(`create table if not exists schema_migrations (version text primary key, applied_at timestamptz not null default now())`);
    const done = new Set((await client.query<{ version: string }>('select version from schema_migrations')).rows.map((r) => r.version));
    const vector = (await client.query(`select 1 from pg_available_extensions where name = 'vector'`)).rowCount === 1;
    const result: MigrationResult = { applied: [], skipped: [], vector };
    for (const file of files) {
      const version = file.replace(/\.sql$/, '');
      if (done.has(version)) continue;
      if (file.endsWith('.vector.sql') && !vector) {
        result.skipped.push(version);
        continue;
      }
      const sql = fs.readFileSync(path.join(dir, file), 'utf8');
      await client.query('begin');
      try {
        await client.query(sql);
        await client.query('insert into schema_migrations (version) values ($1)', [version]);
        await client.query('commit');
        result.applied.push(version);
      } catch (err) {
        await client.query('rollback');
        throw new Error(`migration ${file} failed: ${(err as Error).message}`);
      }
    }
    return result;
  } finally {
    client.release();
  }
}
