/**
 * Worker processes of both kinds on a queue of their own, started as `node dist/workers/*.js` the way a
 * deployment runs them: the throughput and recovery parts of `bench:perf` measure real processes, not
 * workers inside the bench.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../config/loadConfig';
import { WORKER_ALLOCATOR_ENV, workerNodeArgs } from '../../workers/workerMemory';
import type { FakeOpenAIServer } from '../fakeOpenAI/fakeOpenAIServer';
import { DIST } from '../support/paths';

export type WorkerRole = 'orchestrationWorker' | 'gpuWorker';

export class SpawnedWorkers {
  readonly children: { role: WorkerRole; child: ChildProcess }[] = [];
  /** Started as the stack starts its workers: with their memory budget (workers/workerMemory.ts). */
  private readonly nodeArgs: string[];
  constructor(
    readonly env: Record<string, string>,
    private readonly logDir: string,
  ) {
    fs.mkdirSync(logDir, { recursive: true });
    this.nodeArgs = workerNodeArgs(loadConfig({ ...process.env, ...env }).workers.memory);
  }

  spawn(role: WorkerRole, n: number, extraEnv: Record<string, string> = {}): void {
    for (let i = 0; i < n; i++) {
      const out = fs.openSync(path.join(this.logDir, `${role}-${this.children.length}.log`), 'a');
      const env: NodeJS.ProcessEnv = { ...process.env, ...WORKER_ALLOCATOR_ENV, ...this.env, ...extraEnv };
      delete env.IMAGE_AGENT_OPS_PORT;
      const child = spawn(process.execPath, [...this.nodeArgs, path.join(DIST, 'workers', `${role}.js`)], { env, stdio: ['ignore', out, out] });
      fs.closeSync(out);
      this.children.push({ role, child });
    }
  }

  /** The live processes of one role. */
  pids(role: WorkerRole): number[] {
    return this.children.filter((c) => c.role === role && c.child.exitCode === null && c.child.pid !== undefined).map((c) => c.child.pid!);
  }

  rssBytes(role: WorkerRole): number[] {
    return this.pids(role).flatMap((pid) => {
      const bytes = rssBytesOf(pid);
      return bytes === undefined ? [] : [bytes];
    });
  }

  kill(pid: number): void {
    process.kill(pid, 'SIGKILL');
  }

  async stop(): Promise<void> {
    const exits = this.children.map(
      ({ child }) => new Promise<void>((r) => (child.exitCode !== null || child.signalCode ? r() : child.once('exit', () => r()))),
    );
    for (const { child } of this.children) if (child.exitCode === null) child.kill('SIGTERM');
    await Promise.race([Promise.all(exits), new Promise((r) => setTimeout(r, 20_000))]);
    for (const { child } of this.children) if (child.exitCode === null && !child.signalCode) child.kill('SIGKILL');
  }
}

/** A process's resident memory; undefined for one killed a moment ago (it may still be listed, with no RSS to read). */
export function rssBytesOf(pid: number): number | undefined {
  const status = fs.existsSync(`/proc/${pid}/status`) ? fs.readFileSync(`/proc/${pid}/status`, 'utf8') : '';
  const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
  return kb ? Number(kb) * 1024 : undefined;
}

/** What a spawned worker needs to reach the fake model server on its own queue. */
export function spawnedWorkerEnv(fake: FakeOpenAIServer, queue: string): Record<string, string> {
  return {
    IMAGE_AGENT_TASK_QUEUE: queue,
    IMAGE_AGENT_PROVIDERS: 'openai',
    OPENAI_BASE_URL: fake.baseURL,
    OPENAI_API_KEY: 'sk-test-fake-key',
    IMAGE_AGENT_LOG_FORMAT: 'json',
    IMAGE_AGENT_WORKER_GRACE_SECONDS: '5',
  };
}
