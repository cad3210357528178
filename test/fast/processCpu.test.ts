/**
 * The bench's CPU accounting (test/perf/processCpu.ts, throughput.ts): /proc's stat line parsed past a command
 * name with spaces and parentheses, a process tree's CPU including a busy child, and the throughput table.
 */
import { spawn } from 'node:child_process';
import { parseCpuLine, parseProcStat, processTreeCpuMs } from '../perf/processCpu';
import { throughputMarkdown } from '../perf/throughput';
import { eventually } from '../support/eventually';

describe('parseProcStat', () => {
  it('reads ppid and utime + stime after a command name holding spaces and parentheses', () => {
    // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime ...
    const line = '4242 (node (worker) x) S 17 4242 4242 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 11 0 1 2 3';
    expect(parseProcStat(line)).toEqual({ ppid: 17, cpuMs: 3000 });
  });

  it('refuses a line it cannot read', () => {
    expect(parseProcStat('garbage')).toBeUndefined();
  });
});

describe('parseCpuLine', () => {
  it('sums busy ticks and reads steal apart, from the machine-wide cpu line only', () => {
    const stat = 'cpu  100 10 50 9000 20 5 5 300 0 0\ncpu0 50 5 25 4500 10 2 3 150 0 0\nintr 1';
    expect(parseCpuLine(stat)).toEqual({ busyMs: 1700, stolenMs: 3000 });
    expect(parseCpuLine('intr 1')).toBeUndefined();
  });
});

describe('processTreeCpuMs', () => {
  it("counts a busy child's CPU in its parent's tree, and nothing for a process that is gone", async () => {
    // Busy until it has used 400 ms of CPU, not of the clock: on a loaded machine 400 ms of wall time gave it 160.
    const child = spawn(process.execPath, ['-e', 'while (process.cpuUsage().user < 400_000); setTimeout(() => {}, 30_000);']);
    try {
      const childMs = await eventually(async () => {
        const [ms] = processTreeCpuMs([child.pid!]);
        if (ms! < 300) throw new Error(`child has used ${ms} ms so far`);
        return ms!;
      }, 20_000);
      const own = process.cpuUsage();
      const [tree] = processTreeCpuMs([process.pid]);
      // The tree holds this process (ticks, so within 10 ms each of user and system) and the child.
      expect(tree).toBeGreaterThanOrEqual(childMs + (own.user + own.system) / 1000 - 20);
    } finally {
      child.kill('SIGKILL');
    }
    expect(processTreeCpuMs([2 ** 22 + 7])).toEqual([0]);
  });
});

describe('throughputMarkdown', () => {
  it('gives every set its scaling interval and every component its CPU per generation', () => {
    const lines = throughputMarkdown([
      {
        workers: 1,
        generations: 240,
        seconds: 100,
        perSecond: 2.4,
        scaling: { p50: 1, low: 1, high: 1, n: 6 },
        cpuMsPerRun: { temporal: 300, 'orchestration workers': 400 },
        machineBusyPct: 92,
        stolenPct: 3,
      },
      {
        workers: 2,
        generations: 240,
        seconds: 98,
        perSecond: 2.45,
        scaling: { p50: 1.02, low: 0.97, high: 1.06, n: 6 },
        cpuMsPerRun: { temporal: 290, 'orchestration workers': 420 },
        machineBusyPct: 95,
        stolenPct: 4,
      },
    ]).join('\n');
    expect(lines).toContain('| 2 | 240 | 2.45 | 1.02 [0.97–1.06] (6 rounds) | 95% | 4% |');
    expect(lines).toContain('| temporal | 300 | 290 |');
    expect(lines).toContain('| all | 700 | 710 |');
  });
});
