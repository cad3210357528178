/**
 * The local stack's Temporal Web UI on STACK_TEMPORAL_UI_PORT: the standalone ui-server (infra/temporalUiBuild.ts)
 * as a process of its own, in front of the headless dev server, with a generated config whose codec sends
 * the API's login cookie (`includeCredentials`): an auditor signs in at the API once and reads decoded
 * payloads with no browser setting. When the dev server runs its built-in UI instead (infra/temporalUiMode.ts),
 * this service only checks that UI and says, in `stack:status`, that it is the fallback and why.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { AppConfig } from '../common/config';
import { projectRoot } from '../common/paths';
import { runningPid, startDetached, stopProcess, tailLog, waitUntil } from './managedProcess';
import { StackError, type StackService } from './stackService';
import { temporalClusterBinaries } from './temporalClusterBuild';
import { chooseTemporalUi, recordedTemporalUi, type TemporalUiMode } from './temporalUiMode';
import { codecEndpoint, temporalReachable } from './temporalServer';

/** The dev server binds 127.0.0.1 (infra/temporalServer.ts); its UI, either one, does too. */
const UI_HOST = '127.0.0.1';

async function uiAnswers(config: AppConfig): Promise<boolean> {
  try {
    return (await fetch(`http://${UI_HOST}:${config.stack.temporalUiPort}/api/v1/settings`, { signal: AbortSignal.timeout(1500) })).ok;
  } catch {
    return false;
  }
}

/** The ui-server's config (server/config/config.go of the module): JSON, which its YAML loader reads as YAML. */
function uiServerConfig(config: AppConfig): object {
  return {
    temporalGrpcAddress: `127.0.0.1:${config.stack.temporalPort}`,
    host: UI_HOST,
    port: config.stack.temporalUiPort,
    publicPath: '',
    enableUi: true,
    defaultNamespace: config.temporal.namespace,
    disableNewsFetch: true,
    notifyOnNewVersion: false,
    hideLogs: true,
    auth: { enabled: false },
    // Served over plain http, so the UI's CSRF cookie is not marked Secure (browsers keep those only from secure origins).
    cors: { cookieInsecure: true },
    ...(config.encryption.enabled ? { codec: { endpoint: codecEndpoint(config), includeCredentials: true } } : {}),
  };
}

function describeUi(config: AppConfig, mode: TemporalUiMode | undefined): string[] {
  const url = config.temporal.uiUrl;
  if (!mode) return [`Temporal UI   ${url}`];
  const codec = config.encryption.enabled ? codecEndpoint(config) : undefined;
  if (mode.kind === 'ui-server') {
    return [`Temporal UI   ${url} (ui-server v${mode.version})`, ...(codec ? [`  codec       ${codec}, sent the API's login cookie: no browser setting`] : [])];
  }
  return [
    `Temporal UI   ${url} (FALLBACK: the dev server's built-in UI; ${mode.reason})`,
    ...(codec ? [`  codec       ${codec}; each auditor turns on "Include cross-origin credentials" in the UI's Codec Server dialog`] : []),
  ];
}

export function temporalUi(config: AppConfig): StackService {
  const runDir = path.join(config.stack.dir, 'run');
  const logDir = path.join(config.stack.dir, 'logs');
  const pidSpec = { name: 'temporal-ui', runDir, logDir };
  const uiDir = path.join(config.stack.dir, 'temporal-ui');
  const recorded = recordedTemporalUi(config);
  return {
    name: 'temporal-ui',
    // The fallback UI is the dev server's process.
    processName: recorded?.kind === 'dev-server' ? 'temporal' : 'temporal-ui',
    managed: true,
    fix: 'run `npm run stack:up` (logs in .stack/logs/temporal-ui.log)',
    describe: () => describeUi(config, recordedTemporalUi(config)),
    healthy: () => uiAnswers(config),
    async start(log) {
      // Temporal's start decides which UI runs (and builds the ui-server first): wait for it. A cluster's first
      // start builds the server too, for minutes: the wait for its frontend begins when that build is done.
      if (!(await temporalReachable(config))) {
        await chooseTemporalUi(log);
        if (config.stack.temporal === 'cluster') await temporalClusterBinaries(log).catch(() => undefined);
        const up = await waitUntil(() => temporalReachable(config, 1000), { timeoutMs: 120_000, intervalMs: 500 });
        const which = config.stack.temporal === 'cluster' ? "Temporal cluster's frontend" : 'Temporal dev server';
        if (!up)
          throw new StackError(
            `temporal-ui: the ${which} did not come up; see .stack/logs/temporal${config.stack.temporal === 'cluster' ? '-frontend' : ''}.log`,
          );
      }
      const mode = recordedTemporalUi(config) ?? { kind: 'dev-server', reason: 'the running dev server was started before the stack recorded its UI' };
      if (mode.kind === 'dev-server') {
        log(`the dev server's built-in UI serves ${config.temporal.uiUrl} (${mode.reason})`);
        return;
      }
      if (await uiAnswers(config)) return;
      const configDir = path.join(uiDir, 'config');
      fs.mkdirSync(configDir, { recursive: true });
      fs.writeFileSync(
        path.join(configDir, 'stack.yaml'),
        `# Written by infra/temporalUi.ts at each start.\n${JSON.stringify(uiServerConfig(config), null, 2)}\n`,
      );
      const pid = startDetached({
        name: 'temporal-ui',
        command: mode.binary,
        args: ['--root', uiDir, '--config', 'config', '--env', 'stack', 'start'],
        cwd: projectRoot,
        runDir,
        logDir,
      });
      log(`starting the Temporal UI server v${mode.version} (pid ${pid})`);
      const up = await waitUntil(() => uiAnswers(config), { timeoutMs: 60_000, intervalMs: 250, alive: () => runningPid(pidSpec) !== undefined });
      if (!up) throw new StackError(`the Temporal UI server did not answer on port ${config.stack.temporalUiPort}; last log lines:\n${tailLog(pidSpec)}`);
    },
    stop: () => stopProcess(pidSpec),
  };
}
