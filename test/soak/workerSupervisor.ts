/**
 * The soak's workers, as separate processes it can SIGKILL: one orchestration worker and one GPU worker,
 * restarted whenever they exit (killed by the soak, or gone when Temporal restarted under them).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { DIST } from '../support/paths';

export type WorkerRole = 'orchestrationWorker' | 'gpuWorker';

export class WorkerSupervisor {
  private readonly children = new Map<WorkerRole, ChildProcess>();
  private stopping = false;
  readonly kills: Record<WorkerRole, number> = { orchestrationWorker: 0, gpuWorker: 0 };
  readonly restarts: Record<WorkerRole, number> = { orchestrationWorker: 0, gpuWorker: 0 };

  constructor(
    private readonly env: Record<string, string>,
    private readonly logDir: string,
  ) {
    fs.mkdirSync(logDir, { recursive: true });
  }

  start(): void {
    this.spawn('orchestrationWorker');
    this.spawn('gpuWorker');
  }

  /** SIGKILL, then a restart after `restartAfterMs`: a crashed host coming back. */
  async kill(role: WorkerRole, restartAfterMs: number): Promise<void> {
    const child = this.children.get(role);
    if (!child) return;
    this.children.delete(role);
    this.kills[role] += 1;
    child.kill('SIGKILL');
    await new Promise((r) => setTimeout(r, restartAfterMs));
    if (!this.stopping && !this.children.has(role)) this.spawn(role);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const exits = [...this.children.values()].map((c) => new Promise<void>((r) => (c.exitCode !== null ? r() : c.once('exit', () => r()))));
    for (const c of this.children.values()) c.kill('SIGTERM');
    await Promise.race([Promise.all(exits), new Promise((r) => setTimeout(r, 15_000))]);
    for (const c of this.children.values()) if (c.exitCode === null) c.kill('SIGKILL');
    this.children.clear();
  }

  logFiles(): string[] {
    return fs.readdirSync(this.logDir).map((f) => path.join(this.logDir, f));
  }

  private spawn(role: WorkerRole): void {
    const out = fs.openSync(path.join(this.logDir, `${role}.log`), 'a');
    const child = spawn(process.execPath, [path.join(DIST, 'workers', `${role}.js`)], { env: { ...process.env, ...this.env }, stdio: ['ignore', out, out] });
    fs.closeSync(out);
    this.children.set(role, child);
    child.once('exit', () => {
      if (this.children.get(role) !== child || this.stopping) return;
      // Exited on its own (Temporal went away under it): restart, as a process manager would.
      this.children.delete(role);
      this.restarts[role] += 1;
      setTimeout(() => !this.stopping && !this.children.has(role) && this.spawn(role), 1000);
    });
  }
}
