/** `npm run stack:up | stack:down | stack:status`: the local stack's commands. */
import { Command } from 'commander';
import { loadConfig } from '../common/config';
import { describeFailure } from '../client/describeFailure';
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
    const rows = await stackStatus(loadConfig());
    for (const { service, healthy } of rows) {
      const [first, ...rest] = service.describe();
      console.log(`${healthy ? 'up  ' : 'DOWN'}  ${first}`);
      printAddresses(rest);
    }
    if (rows.some((r) => !r.healthy)) process.exitCode = 1;
  });

program.parseAsync().catch((err: unknown) => {
  console.error(`stack: ${describeFailure(err)}`);
  process.exit(1);
});
