/**
 * `npm run bench:wise [-- --records 1000 --cases-per-run 250]`: the WISE batch rate on the running
 * local stack (start it with `npm run stack:up`), printed, never asserted.
 */
import { Command } from 'commander';
import { runWiseBatchLoad } from './wiseBatchLoad';

async function main(): Promise<void> {
  const opts = new Command()
    .option('--records <n>', 'records, spread over the 1,000 synthetic ids', '1000')
    .option('--cases-per-run <n>', 'cases before the batch continues as new', '250')
    .option('--concurrency <n>', 'cases in flight', '32')
    .parse()
    .opts<{ records: string; casesPerRun: string; concurrency: string }>();
  const run = await runWiseBatchLoad({ records: Number(opts.records), casesPerRun: Number(opts.casesPerRun), concurrency: Number(opts.concurrency) });
  const p = run.result.progress;
  console.log(
    `WISE batch: ${p.done}/${p.total} cases in ${run.seconds.toFixed(1)} s (${(p.done / run.seconds).toFixed(1)} cases/s), ${p.failed} failed, continued as new ${p.continuedAsNew} times, ${run.scoresLines.length} score lines`,
  );
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`bench:wise failed: ${(err as Error).message}`);
    process.exit(1);
  },
);
