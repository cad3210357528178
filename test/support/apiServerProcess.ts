/**
 * The real API process (`image-agent serve` from dist/, as the stack and the chart run it) on a free port,
 * for tests of what only the process shows: its rate limits as configured from the environment, its memory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { eventually } from './eventually';
import { freePort } from './freePort';
import { DIST } from './paths';

export interface ApiServerProcess {
  base: string;
  pid: number;
  /** Everything the process printed, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

export async function startApiServerProcess(env: Record<string, string>): Promise<ApiServerProcess> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [path.join(DIST, 'client', 'cli.js'), 'serve'], {
    env: { ...process.env, IMAGE_AGENT_PROVIDERS: 'offline', IMAGE_AGENT_OPS_PORT: '', ...env, IMAGE_AGENT_API_PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const base = `http://127.0.0.1:${port}`;
  try {
    await eventually(
      async () => {
        if (child.exitCode !== null) throw new Error(`the API process exited (${child.exitCode}):\n${output}`);
        expect((await fetch(`${base}/readyz`)).status).toBe(200);
      },
      60_000,
      200,
    );
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return {
    base,
    pid: child.pid!,
    output: () => output,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** A line of /proc/<pid>/status in bytes (VmRSS: resident now, VmHWM: the peak so far). Linux only: elsewhere it throws. */
export function procMemory(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status)?.[1];
  if (kb === undefined) throw new Error(`/proc/${pid}/status has no ${field} line`);
  return Number(kb) * 1024;
}
