/**
 * Which server gives the local stack its Temporal UI: the standalone ui-server (infra/temporalUiBuild.ts),
 * whose codec setting sends the API's login cookie, or, when it cannot be built or
 * IMAGE_AGENT_TEMPORAL_UI=dev asks for it, the dev server's built-in UI, where each auditor turns on
 * "Include cross-origin credentials" in the UI's Codec Server dialog. The choice is recorded beside the pid
 * files when the dev server starts, so `stack:status` in a later shell says which one runs, and why.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { AppConfig } from '../common/config';
import { StackError } from './stackService';
import { TemporalUiBuildError, temporalUiServer } from './temporalUiBuild';

export type TemporalUiMode = { kind: 'ui-server'; binary: string; version: string } | { kind: 'dev-server'; reason: string };

const FORCE_VAR = 'IMAGE_AGENT_TEMPORAL_UI';

let chosen: Promise<TemporalUiMode> | undefined;

/** One choice per process: the dev server's start and the UI's start ask both, and a failed build runs once. */
export function chooseTemporalUi(log: (line: string) => void): Promise<TemporalUiMode> {
  chosen ??= choose(log);
  return chosen;
}

async function choose(log: (line: string) => void): Promise<TemporalUiMode> {
  const forced = process.env[FORCE_VAR]?.trim() ?? '';
  if (forced === 'dev') return { kind: 'dev-server', reason: `${FORCE_VAR}=dev` };
  if (forced !== '' && forced !== 'ui-server') throw new StackError(`${FORCE_VAR} must be "ui-server" (the default) or "dev", got "${forced}"`);
  try {
    const binary = await temporalUiServer(log);
    return { kind: 'ui-server', binary: binary.path, version: binary.version };
  } catch (err) {
    if (!(err instanceof TemporalUiBuildError)) throw err;
    log(`${err.message}; falling back to the dev server's built-in UI, where auditors turn on "Include cross-origin credentials" in its Codec Server dialog`);
    return { kind: 'dev-server', reason: err.message };
  }
}

function modeFile(config: AppConfig): string {
  return path.join(config.stack.dir, 'run', 'temporal-ui.json');
}

export function recordTemporalUi(config: AppConfig, mode: TemporalUiMode): void {
  fs.mkdirSync(path.dirname(modeFile(config)), { recursive: true });
  fs.writeFileSync(modeFile(config), `${JSON.stringify(mode)}\n`);
}

/** What the running dev server was started with; a dev server started before the choice was recorded has its own UI. */
export function recordedTemporalUi(config: AppConfig): TemporalUiMode | undefined {
  try {
    return JSON.parse(fs.readFileSync(modeFile(config), 'utf8')) as TemporalUiMode;
  } catch {
    return undefined;
  }
}
