/**
 * The HTTP API and review page as a process of the local stack. Without IMAGE_AGENT_API_TOKENS, the stack
 * makes one token for the tenant "local" and keeps it in .stack/api-token (mode 600), so the review link works.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { AppConfig } from '../common/config';
import { nodeProcessService } from './nodeProcessService';
import { stackOpsEnv } from './stackOpsPorts';
import type { StackService } from './stackService';

function localApiToken(config: AppConfig): string {
  const file = path.join(config.stack.dir, 'api-token');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(config.stack.dir, { recursive: true });
    fs.writeFileSync(file, randomBytes(24).toString('base64url'), { mode: 0o600 });
  }
  return fs.readFileSync(file, 'utf8').trim();
}

export function apiProcess(config: AppConfig): StackService {
  const base = `http://${config.api.host}:${config.api.port}`;
  const ownToken = config.api.tokens.size === 0;
  return nodeProcessService(config, {
    name: 'api',
    args: [path.join('client', 'cli.js'), 'serve'],
    env: { ...process.env, ...stackOpsEnv(config, 'api'), ...(ownToken ? { IMAGE_AGENT_API_TOKENS: `${localApiToken(config)}:local` } : {}) },
    answers: async () => (await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(1500) })).ok,
    describe: () => [`API           ${base}`, `  review page ${base}${ownToken ? `/review/login (token ${localApiToken(config)}, tenant local)` : '/review'}`],
  });
}
