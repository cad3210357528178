/** Postgres for memory: the embedded PGlite server by default, or the server DATABASE_URL names. Migrations at start. */
import path from 'node:path';
import type { AppConfig } from '../common/config';
import { redactUrl } from '../common/config';
import { projectRoot } from '../common/paths';
import { createPool, databaseReachable } from '../providers/database';
import { runningPid, startDetached, stopProcess, tailLog, waitUntil } from './managedProcess';
import { migrate } from './migrate';
import { isLoopbackHost, StackError, type StackService } from './stackService';

export function postgresServer(config: AppConfig): StackService {
  const url = new URL(config.databaseUrl);
  const managed = isLoopbackHost(url.hostname) && Number(url.port) === config.stack.pglitePort;
  const dataDir = path.join(config.stack.dir, 'pglite');
  const runDir = path.join(config.stack.dir, 'run');
  const logDir = path.join(config.stack.dir, 'logs');
  const pidSpec = { name: 'pglite', runDir, logDir };
  let vector: boolean | undefined;

  return {
    name: 'postgres',
    processName: 'pglite',
    managed,
    fix: managed ? 'run `npm run stack:up` (logs in .stack/logs/pglite.log)' : 'check DATABASE_URL and that the server accepts connections',
    describe: () => [
      `Postgres      ${redactUrl(config.databaseUrl)}${managed ? ' PGlite' : ' [external]'}${vector === undefined ? '' : vector ? ' (pgvector)' : ' (full-text only, no pgvector)'}`,
      ...(managed ? [`  data        ${dataDir}`] : []),
    ],
    healthy: () => databaseReachable(config.databaseUrl),
    async start(log) {
      if (managed && runningPid(pidSpec) === undefined && !(await databaseReachable(config.databaseUrl))) {
        const pid = startDetached({
          name: 'pglite',
          command: process.execPath,
          args: [path.join(projectRoot, 'dist', 'infra', 'pgliteServer.js'), dataDir, String(config.stack.pglitePort)],
          cwd: projectRoot,
          runDir,
          logDir,
        });
        log(`starting PGlite (pid ${pid})`);
      }
      const up = await waitUntil(() => databaseReachable(config.databaseUrl), {
        timeoutMs: 60_000,
        intervalMs: 500,
        alive: managed && runningPid(pidSpec) !== undefined ? () => runningPid(pidSpec) !== undefined : undefined,
      });
      if (!up) {
        throw new StackError(
          managed
            ? `PGlite did not become healthy on port ${config.stack.pglitePort}; last log lines:\n${tailLog(pidSpec)}`
            : `Postgres at ${redactUrl(config.databaseUrl)} is unreachable; check DATABASE_URL`,
        );
      }
      const pool = createPool(config.databaseUrl, 1);
      try {
        const result = await migrate(pool);
        vector = result.vector;
        if (result.applied.length) log(`applied migrations: ${result.applied.join(', ')}`);
        if (result.skipped.length) log(`skipped (no pgvector here): ${result.skipped.join(', ')}`);
      } finally {
        await pool.end();
      }
    },
    stop: () => stopProcess(pidSpec),
  };
}
