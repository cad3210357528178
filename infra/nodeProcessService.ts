/** A Node process of ours (a worker, the API) as a stack service: started from dist/, healthy when it answers. */
import path from 'node:path';
import type { AppConfig } from '../common/config';
import { projectRoot } from '../common/paths';
import { runningPid, startDetached, stopProcess, tailLog, waitUntil } from './managedProcess';
import { StackError, type StackService } from './stackService';

export interface NodeProcessSpec {
  name: string;
  /** Script and arguments, relative to dist/. */
  args: string[];
  env?: NodeJS.ProcessEnv;
  /** Node's own flags, before the script (a worker's memory budget). */
  nodeArgs?: string[];
  /** Whether it does its job (polls its queue, answers HTTP), not just whether its pid lives. */
  answers: () => Promise<boolean>;
  describe: () => string[];
  stopGraceMs?: number;
}

export function nodeProcessService(config: AppConfig, spec: NodeProcessSpec): StackService {
  const pidSpec = { name: spec.name, runDir: path.join(config.stack.dir, 'run'), logDir: path.join(config.stack.dir, 'logs') };
  const alive = () => runningPid(pidSpec) !== undefined;
  return {
    name: spec.name,
    managed: true,
    fix: `run \`npm run stack:up\` (logs in .stack/logs/${spec.name}.log)`,
    describe: spec.describe,
    healthy: async () => alive() && (await spec.answers().catch(() => false)),
    async start(log) {
      if (!alive()) {
        const [script, ...rest] = spec.args;
        const pid = startDetached({
          ...pidSpec,
          command: process.execPath,
          args: ['--enable-source-maps', ...(spec.nodeArgs ?? []), path.join(projectRoot, 'dist', script!), ...rest],
          cwd: projectRoot,
          env: spec.env,
        });
        log(`starting ${spec.name} (pid ${pid})`);
      }
      if (!(await waitUntil(spec.answers, { timeoutMs: 90_000, intervalMs: 500, alive }))) {
        throw new StackError(`${spec.name} did not become ready; last log lines:\n${tailLog(pidSpec)}`);
      }
    },
    stop: () => stopProcess(pidSpec, spec.stopGraceMs),
  };
}
