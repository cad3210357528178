/** `npm run stack:up | stack:down | stack:status`: the local stack's commands. */
import fs from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { loadConfig, loadConfigIfValid } from '../config/loadConfig';
import { describeFailure } from '../common/describeFailure';
import { logFile, pidFile, runningPid } from './managedProcess';
import { stackDown, stackStatus, stackUp } from './stack';

const log = (line: string): void => console.log(line);

function printAddresses(lines: string[]): void {
  for (const line of lines) console.log(`  ${line}`);
}

const program = new Command('stack').description('start, stop and inspect the local image-agent stack');

program
  .command('up')
  .description('start Temporal, S3 (SeaweedFS), Postgres (PGlite) and the two workers; idempotent')
  .option('--no-workers', 'start only the servers (tests run their own workers)')
  .option('--restart-workers', 'restart workers that are already running, to pick up a new build')
  .action(async (opts: { workers: boolean; restartWorkers?: boolean }) => {
    const config = loadConfig();
    const services = await stackUp(config, { workers: opts.workers, restartWorkers: opts.restartWorkers ?? false, log });
    console.log('local stack is up:');
    printAddresses(services.flatMap((s) => s.describe()));
  });

program
  .command('down')
  .description('stop everything the stack started; data stays in .stack/')
  .action(async () => {
    await stackDown(loadConfig(), log);
    console.log('local stack is down (data kept in .stack/)');
  });

program
  .command('status')
  .description("show every service's health and address")
  .action(async () => {
    const config = loadConfig();
    const rows = await stackStatus(config);
    for (const { service, healthy } of rows) {
      const [first, ...rest] = service.describe();
      console.log(`${healthy ? 'up  ' : 'DOWN'}  ${first}`);
      printAddresses(rest);
      if (service.managed && service.hasPidFile !== false) console.log(`    ${processLine(config.stack.dir, service.processName ?? service.name)}`);
    }
    if (rows.some((r) => !r.healthy)) process.exitCode = 1;
  });

program.parseAsync().catch((err: unknown) => {
  console.error(`stack: ${describeFailure(err, loadConfigIfValid())}`);
  process.exit(1);
});

/** pid, uptime and log file of a process the stack started (uptime from when its pid file was written). */
function processLine(stackDir: string, name: string): string {
  const spec = { name, runDir: path.join(stackDir, 'run'), logDir: path.join(stackDir, 'logs') };
  const pid = runningPid(spec);
  const log = logFile(spec);
  if (pid === undefined) return `process     not running (log ${log})`;
  const since = fs.statSync(pidFile(spec)).mtimeMs;
  return `process     pid ${pid}, up ${formatUptime(Date.now() - since)}, log ${log}`;
}

function formatUptime(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const [d, h, m] = [Math.floor(s / 86400), Math.floor((s % 86400) / 3600), Math.floor((s % 3600) / 60)];
  return d ? `${d}d ${h}h ${m}m` : h ? `${h}h ${m}m` : m ? `${m}m ${s % 60}s` : `${s}s`;
}
