import { loadConfig } from '../../config/loadConfig';

/**
 * Every Postgres the Postgres-backed tests run against: the embedded default always, and a real server
 * when TEST_REAL_DATABASE_URL is set (the README's test command sets it up from Debian's postgresql).
 */
export function databaseTargets(): [string, string][] {
  const targets: [string, string][] = [['embedded PGlite', loadConfig().databaseUrl]];
  if (process.env.TEST_REAL_DATABASE_URL) targets.push(['real Postgres server', process.env.TEST_REAL_DATABASE_URL]);
  return targets;
}
