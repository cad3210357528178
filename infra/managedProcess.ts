/**
 * A background process owned by the local stack: started detached, its pid in a file, its output in a log,
 * so `stack:up` is idempotent and `stack:down` can stop what an earlier shell started.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ProcessSpec {
  name: string;
  command: string;
  args: string[];
  cwd: string;
  env?: NodeJS.ProcessEnv;
  runDir: string;
  logDir: string;
}

export function pidFile(spec: Pick<ProcessSpec, 'name' | 'runDir'>): string {
  return path.join(spec.runDir, `${spec.name}.pid`);
}

export function logFile(spec: Pick<ProcessSpec, 'name' | 'logDir'>): string {
  return path.join(spec.logDir, `${spec.name}.log`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function runningPid(spec: Pick<ProcessSpec, 'name' | 'runDir'>): number | undefined {
  try {
    const [pidText = '', argv] = fs.readFileSync(pidFile(spec), 'utf8').split('\n');
    const pid = Number(pidText.trim());
    return Number.isInteger(pid) && pid > 0 && isAlive(pid) && stillOurs(pid, argv?.trim()) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether the pid still runs the command we started: a pid file outlives its process, and on a busy machine the
 * pid is soon another process's (another stack's server, say), which `stop` would otherwise kill. Pid files
 * written before the command was recorded, and systems without /proc, are taken at their word.
 */
function stillOurs(pid: number, argv: string | undefined): boolean {
  if (!argv) return true;
  try {
    const running = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0$/, '').split('\0');
    return JSON.stringify(running) === argv;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ENOENT' || !fs.existsSync('/proc/self');
  }
}

export function startDetached(spec: ProcessSpec): number {
  fs.mkdirSync(spec.runDir, { recursive: true });
  fs.mkdirSync(spec.logDir, { recursive: true });
  const log = fs.openSync(logFile(spec), 'a');
  fs.writeSync(log, `\n--- ${new Date().toISOString()} starting ${spec.command} ${spec.args.join(' ')}\n`);
  const child = spawn(spec.command, spec.args, {
    cwd: spec.cwd,
    env: spec.env ?? process.env,
    detached: true,
    stdio: ['ignore', log, log],
  });
  fs.closeSync(log);
  if (child.pid === undefined) throw new Error(`${spec.name}: could not start ${spec.command}`);
  child.unref();
  // The command line beside the pid, so a pid reused by another process is never taken for ours (stillOurs).
  fs.writeFileSync(pidFile(spec), `${child.pid}\n${JSON.stringify([spec.command, ...spec.args])}\n`);
  return child.pid;
}

/** SIGTERM to the whole process group, then SIGKILL after the grace period. */
export async function stopProcess(spec: Pick<ProcessSpec, 'name' | 'runDir'>, graceMs = 10_000): Promise<boolean> {
  const pid = runningPid(spec);
  fs.rmSync(pidFile(spec), { force: true });
  if (pid === undefined) return false;
  signalGroup(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await sleep(100);
  }
  signalGroup(pid, 'SIGKILL');
  return true;
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      /* already gone */
    }
  }
}

/** The last lines of a service's log, for an error message that points somewhere useful. */
export function tailLog(spec: Pick<ProcessSpec, 'name' | 'logDir'>, lines = 15): string {
  try {
    return fs.readFileSync(logFile(spec), 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

export async function waitUntil(
  check: () => Promise<boolean>,
  { timeoutMs, intervalMs = 250, alive }: { timeoutMs: number; intervalMs?: number; alive?: () => boolean },
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return true;
    if (alive && !alive()) return false;
    await sleep(intervalMs);
  }
  return false;
}
