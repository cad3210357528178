/**
 * The real PostgreSQL server (Debian's packages) that the cluster mode's Temporal keeps its persistence and SQL
 * visibility in: the same server infra/ci/real-postgres.sh gives the suite's real-Postgres tests, one per checkout
 * and stack slot (port 25433 + 10 × slot). PGlite, the stack's default Postgres, serves one connection at a time,
 * and the four Temporal services hold pools of them. `stack:down` stops it, as it stops every server of the stack.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { redactUrl } from '../common/config';
import { projectRoot } from '../common/paths';
import { realPostgresPort } from '../common/stackSlot';
import { databaseReachable } from '../providers/database';
import { StackError, type StackService } from './stackService';

const SCRIPT = path.join(projectRoot, 'infra', 'ci', 'real-postgres.sh');

async function runScript(action: 'start' | 'stop'): Promise<string> {
  try {
    const { stdout } = await promisify(execFile)('bash', [SCRIPT, action], { timeout: 120_000 });
    return stdout.trim();
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new StackError(`temporal-postgres: ${(e.stderr || e.message).trim().split('\n').at(-1)}`);
  }
}

/** The server's URL, as real-postgres.sh prints it. */
function expectedUrl(): string {
  return `postgres://postgres@127.0.0.1:${realPostgresPort()}/postgres`;
}

let starting: Promise<string> | undefined;

/** Starts the server unless it answers already (idempotent, one start per process); its URL. */
export function ensureClusterPostgres(log: (line: string) => void): Promise<string> {
  starting ??= (async () => {
    const url = expectedUrl();
    if (await databaseReachable(url)) return url;
    log(`starting PostgreSQL for Temporal (${SCRIPT.replace(`${projectRoot}/`, '')})`);
    return runScript('start');
  })().finally(() => {
    starting = undefined;
  });
  return starting;
}

/** The postmaster serving the port: started by pg_ctl, it keeps no pid file of the stack's. */
function postmasterPid(port: number): number | undefined {
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (path.basename(argv[0] ?? '') === 'postgres' && argv[argv.indexOf('-p') + 1] === String(port)) return Number(entry);
    } catch {
      /* gone meanwhile */
    }
  }
  return undefined;
}

export function clusterPostgres(): StackService {
  return {
    name: 'temporal-postgres',
    managed: true,
    hasPidFile: false,
    fix: 'install Debian’s postgresql package (infra/ci/system-packages.sh) and run `npm run stack:up`',
    describe: () => [`Temporal DB   ${redactUrl(expectedUrl())} real Postgres: databases temporal (persistence) and temporal_visibility`],
    healthy: () => databaseReachable(expectedUrl()),
    processes: () => {
      const pid = postmasterPid(realPostgresPort());
      return pid === undefined ? [] : [{ name: 'temporal-postgres', pid }];
    },
    start: async (log) => {
      await ensureClusterPostgres(log);
    },
    async stop() {
      const wasRunning = await databaseReachable(expectedUrl());
      await runScript('stop');
      return wasRunning;
    },
  };
}
