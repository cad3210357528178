/**
 * Migrations apply, and apply once, on every Postgres the project supports: the embedded PGlite (with
 * pgvector) and a real server (Debian's postgresql in CI, via TEST_REAL_DATABASE_URL; no pgvector there).
 */
import { loadConfig } from '../config/loadConfig';
import { migrate } from '../infra/migrate';
import { createPool } from '../providers/database';
import { databaseTargets } from './support/databases';

describe.each(databaseTargets())('migrations on %s', (_name, url) => {
  test('are applied once and leave the memory tables in place', async () => {
    const pool = createPool(url, 2);
    try {
      await migrate(pool);
      const second = await migrate(pool);
      expect(second.applied).toEqual([]);
      const tables = (await pool.query<{ table_name: string }>(`select table_name from information_schema.tables where table_schema = 'public'`)).rows.map(
        (r) => r.table_name,
      );
      expect(tables).toEqual(expect.arrayContaining(['tenants', 'users', 'profile_updates', 'conversation_turns', 'knowledge_items', 'schema_migrations']));
      const versions = (await pool.query<{ version: string }>('select version from schema_migrations order by version')).rows.map((r) => r.version);
      expect(versions).toContain('001_memory');
      const embeddingColumn = (await pool.query(`select 1 from information_schema.columns where table_name = 'knowledge_items' and column_name = 'embedding'`))
        .rowCount;
      expect(embeddingColumn === 1).toBe(second.vector);
      expect(versions.includes('002_embeddings.vector')).toBe(second.vector);
    } finally {
      await pool.end();
    }
  });
});

test('the embedded default has pgvector', async () => {
  const pool = createPool(loadConfig().databaseUrl, 1);
  try {
    expect((await migrate(pool)).vector).toBe(true);
  } finally {
    await pool.end();
  }
});
