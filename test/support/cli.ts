/** Runs the built CLIs as a person would, capturing output. */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { DIST } from './paths';

const run = promisify(execFile);

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCommand(command: string, args: string[], env: Record<string, string> = {}, timeoutMs = 120_000): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run(command, args, { env: { ...process.env, ...env }, timeout: timeoutMs, maxBuffer: 32 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

export function runCli(args: string[], env: Record<string, string> = {}, timeoutMs?: number): Promise<CliResult> {
  return runCommand(process.execPath, [path.join(DIST, 'client', 'cli.js'), ...args], env, timeoutMs);
}
