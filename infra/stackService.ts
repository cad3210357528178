/** One component of the local stack, as `stack:up`, `stack:down` and `stack:status` see it. */
export interface StackService {
  /** Short name used in messages, pid and log files. */
  name: string;
  /** The name of its pid and log files when it differs from `name` (object storage runs as seaweedfs). */
  processName?: string;
  /** False for a server started by its own tool (pg_ctl), which keeps no pid file of the stack's. */
  hasPidFile?: boolean;
  /**
   * Its running processes by name, when they are not the one in its pid file (the cluster's four services, a
   * server pg_ctl started); read by the benches' CPU accounting.
   */
  processes?(): { name: string; pid: number }[];
  /** False when configuration points at an external server: then it is only health-checked. */
  managed: boolean;
  /** Human-readable lines: addresses, UI links, data folders. */
  describe(): string[];
  healthy(): Promise<boolean>;
  start(log: (line: string) => void): Promise<void>;
  stop(): Promise<boolean>;
  /** What to do when it is missing or unreachable, for a one-line error. */
  fix: string;
}

/** A component that could not be started or reached; its message is one line naming it and the fix. */
export class StackError extends Error {
  override name = 'StackError';
}

export function isLoopbackHost(host: string): boolean {
  return ['localhost', '127.0.0.1', '::1', '[::1]'].includes(host.toLowerCase());
}
