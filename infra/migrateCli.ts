/**
 * `node dist/infra/migrateCli.js`: applies infra/migrations to DATABASE_URL and exits, for deploys (the Helm
 * pre-upgrade Job, the compose `migrate` service). The local stack runs the same migrations at stack:up.
 */
import { redactUrl } from '../common/config';
import { loadConfig } from '../config/loadConfig';
import { createPool } from '../providers/database';
import { migrate } from './migrate';

async function main(): Promise<void> {
  const config = loadConfig();
  const pool = createPool(config.databaseUrl, 1);
  try {
    const result = await migrate(pool);
    const skipped = result.skipped.length ? `; skipped without pgvector: ${result.skipped.join(', ')}` : '';
    console.log(`migrations on ${redactUrl(config.databaseUrl)}: applied ${result.applied.length ? result.applied.join(', ') : 'none (up to date)'}${skipped}`);
  } finally {
    await pool.end();
  }
}

main().catch((err: unknown) => {
  console.error(`migrations failed: ${(err as Error).message}`);
  process.exit(1);
});
