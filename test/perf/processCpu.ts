/**
 * CPU time of a process and everything it started, read from /proc (Linux): Postgres serves each
 * connection from a child process, and a wrapper may start the server it runs, so a component's cost is
 * its whole process tree. The throughput part reads it before and after each measurement to say where a
 * generation's CPU goes (workers, Temporal, object store, Postgres, the bench itself).
 */
import fs from 'node:fs';

/** Kernel clock ticks per second: 100 on every Linux the stack runs on (sysconf(_SC_CLK_TCK)). */
const TICKS_PER_SECOND = 100;

interface ProcStat {
  ppid: number;
  cpuMs: number;
}

/** Fields after the command name (which may hold spaces and parentheses): state is field 3, ppid 4, utime 14, stime 15. */
export function parseProcStat(text: string): ProcStat | undefined {
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const ppid = Number(rest[1]);
  const ticks = Number(rest[11]) + Number(rest[12]);
  if (!Number.isFinite(ppid) || !Number.isFinite(ticks)) return undefined;
  return { ppid, cpuMs: (ticks * 1000) / TICKS_PER_SECOND };
}

function allProcesses(): Map<number, ProcStat> {
  const stats = new Map<number, ProcStat>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = parseProcStat(fs.readFileSync(`/proc/${entry}/stat`, 'utf8'));
      if (stat) stats.set(Number(entry), stat);
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return stats;
}

/** CPU ms so far of each root's process tree, from one reading of /proc. A root that is gone counts 0. */
export function processTreeCpuMs(roots: readonly number[]): number[] {
  const stats = allProcesses();
  const children = new Map<number, number[]>();
  for (const [pid, s] of stats) {
    const siblings = children.get(s.ppid);
    if (siblings) siblings.push(pid);
    else children.set(s.ppid, [pid]);
  }
  return roots.map((root) => {
    let ms = 0;
    const todo = stats.has(root) ? [root] : [];
    while (todo.length) {
      const pid = todo.pop()!;
      ms += stats.get(pid)!.cpuMs;
      todo.push(...(children.get(pid) ?? []));
    }
    return ms;
  });
}

export interface MachineTicks {
  /** CPU ms spent on any process or the kernel, over all cores. */
  busyMs: number;
  /** CPU ms the hypervisor gave to other guests while this machine wanted them (steal). */
  stolenMs: number;
}

/** The `cpu` line of /proc/stat: user nice system idle iowait irq softirq steal … (ticks). */
export function parseCpuLine(stat: string): MachineTicks | undefined {
  const line = stat.split('\n').find((l) => l.startsWith('cpu '));
  const t = line?.trim().split(/\s+/).slice(1).map(Number);
  if (!t || t.length < 8 || t.some((n) => !Number.isFinite(n))) return undefined;
  const [user, nice, system, , , irq, softirq, steal] = t as [number, number, number, number, number, number, number, number];
  const ms = (ticks: number) => (ticks * 1000) / TICKS_PER_SECOND;
  return { busyMs: ms(user + nice + system + irq + softirq), stolenMs: ms(steal) };
}

export function machineTicks(): MachineTicks {
  const ticks = parseCpuLine(fs.readFileSync('/proc/stat', 'utf8'));
  if (!ticks) throw new Error('/proc/stat has no cpu line this bench can read');
  return ticks;
}
