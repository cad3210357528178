/**
 * The HTTP API and review page as a process of the local stack. Without IMAGE_AGENT_API_TOKENS, the stack
 * makes one token for the tenant "local" and keeps it in .stack/api-token (mode 600), so the review link works.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { AppConfig } from '../common/config';
import { projectRoot } from '../common/paths';
import { runningPid, startDetached, stopProcess, tailLog, waitUntil } from './managedProcess';
import { StackError, type StackService } from './stackService';

export function localApiToken(config: AppConfig): string {
  const file = path.join(config.stack.dir, 'api-token');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(config.stack.dir, { recursive: true });
    fs.writeFileSync(file, randomBytes(24).toString('base64url'), { mode: 0o600 });
  }
  return fs.readFileSync(file, 'utf8').trim();
}

export function apiProcess(config: AppConfig): StackService {
  const runDir = path.join(config.stack.dir, 'run');
  const logDir = path.join(config.stack.dir, 'logs');
  const pidSpec = { name: 'api', runDir, logDir };
  const base = `http://${config.api.host}:${config.api.port}`;
  const ownToken = config.api.tokens.size === 0;
  const healthy = async () => {
    try {
      return (await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(1500) })).ok;
    } catch {
      return false;
    }
  };
  return {
    name: 'api',
    managed: true,
    fix: 'run `npm run stack:up` (logs in .stack/logs/api.log)',
    describe: () => [`API           ${base}`, ...(ownToken ? [`  review page ${base}/review/login?token=${localApiToken(config)} (tenant local)`] : [`  review page ${base}/review`])],
    healthy,
    async start(log) {
      if (runningPid(pidSpec) === undefined) {
        const env = { ...process.env, ...(ownToken ? { IMAGE_AGENT_API_TOKENS: `${localApiToken(config)}:local` } : {}) };
        const pid = startDetached({ name: 'api', command: process.execPath, args: [path.join(projectRoot, 'dist', 'client', 'cli.js'), 'serve'], cwd: projectRoot, env, runDir, logDir });
        log(`starting the API (pid ${pid})`);
      }
      if (!(await waitUntil(healthy, { timeoutMs: 30_000, alive: () => runningPid(pidSpec) !== undefined }))) {
        throw new StackError(`the API did not answer on ${base}; last log lines:\n${tailLog(pidSpec)}`);
      }
    },
    stop: () => stopProcess(pidSpec),
  };
}
