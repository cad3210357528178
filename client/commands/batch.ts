/**
 * `image-agent batch <file>` (a JSONL or CSV of requests) and `image-agent bench <suite…>` (IA-Bench-style,
 * MindBench, WISE-Verified): both upload a manifest, start one Batch workflow, follow it with a progress bar,
 * and write the report, the chart, the images under their official names and the official result file.
 */
import { describeClamps } from '../../common/resolveRunOptions';
import fs from 'node:fs';
import path from 'node:path';
import { SingleBar } from 'cli-progress';
import { Option, type Command } from 'commander';
import type { BatchProgress, BatchResult, SuiteKind } from '../../common/batch';
import { projectRoot } from '../../common/paths';
import type { Ablations } from '../../common/request';
import { batchProgressQuery, batchWorkflowId } from '../../workflows/batch/batchMessages';
import { downloadBatchOutputs, startBatch } from '../batches';
import { detectSuite } from '../batchManifest';
import { benchRunRecord } from '../benchRunRecord';
import type { JudgePromptTemplate } from '../../benchmarks/judge/promptTemplate';
import { loadJudgePrompt } from '../judgePromptFile';
import { rerunSettings } from '../rerunSettings';
import type { Generations } from '../generations';
import { registerBenchCompare } from './benchCompare';
import { registerBenchJudgeAgreement } from './benchJudgeAgreement';
import { intOption, printJson, withGenerations } from './context';

interface BatchFlags {
  suite?: SuiteKind;
  batchId?: string;
  tenant: string;
  concurrency?: number;
  size?: string;
  maxRounds?: number;
  system?: string;
  out: string;
  detach?: boolean;
  json?: boolean;
  inputImageDir?: string;
  referenceImageDir?: string;
  reason: boolean;
  search: boolean;
  memory: boolean;
  feedback: boolean;
  direct?: boolean;
  casesPerRun?: number;
  seed?: number;
  judgePrompt?: string;
  strictImages?: boolean;
  rerun?: string;
}

function common(c: Command): Command {
  return c
    .option('--batch-id <id>', 'name the batch; starting a batch id again skips the cases it already finished')
    .addOption(new Option('--tenant <id>', 'tenant').default('local').env('IMAGE_AGENT_TENANT'))
    .option('--concurrency <n>', 'cases in flight at once (default IMAGE_AGENT_BATCH_CONCURRENCY)', intOption)
    .option('--size <WxH>', 'image size for every case')
    .option('--max-rounds <n>', 'renders at most per image', intOption)
    .addOption(new Option('--out <dir>', 'where the report, images and result files go').default(path.join(projectRoot, 'out'), 'out/ in the clone'))
    .option('--detach', 'start the batch and return; follow it later with `image-agent batch-status`')
    .option('--json', 'print the result as JSON')
    .option('--cases-per-run <n>', 'cases per workflow run before continue-as-new', intOption);
}

export function registerBatch(program: Command): void {
  common(program.command('batch').description('generate every request of a JSONL or CSV file').argument('<file>')).action((file: string, flags: BatchFlags) =>
    withGenerations((g) => runBatch(g, [file], { ...flags, suite: 'requests', reason: true, search: true, memory: true, feedback: true })),
  );

  const bench = common(
    program
      .command('bench')
      .description('run a benchmark suite end to end: generate, judge, score as published, compare with the paper')
      .argument('[files...]', 'an IA-Bench-style JSONL, a MindBench metadata JSONL, or WISE-Verified JSON file(s)'),
  )
    .addOption(new Option('--suite <kind>', 'the suite format (detected from the file otherwise)').choices(['ia-bench', 'mindbench', 'wise']))
    .option('--system <label>', 'how this run is labelled in the report')
    .option('--input-image-dir <dir>', 'MindBench: where Image_Name input images live')
    .option('--reference-image-dir <dir>', 'MindBench: root of World_Knowledge image paths')
    .option('--no-reason', 'ablation: without reasoning')
    .option('--no-search', 'ablation: without search')
    .option('--no-memory', 'ablation: without memory')
    .option('--no-feedback', 'ablation: without the critique loop')
    .option('--direct', 'baseline: the image model alone')
    .option('--seed <n>', 'seed for every render (sent where the image endpoint accepts one: IMAGE_AGENT_IMAGE_SEED)', intOption)
    .option(
      '--judge-prompt <file>',
      "the benchmark's own judge prompt template (Python str.format fields, e.g. {prompt}, {explanation}); the built-in prompt otherwise",
    )
    .option('--strict-images', 'MindBench: send every World_Knowledge image to the judge (NOT the official setting, which sends the first)')
    .option('--rerun <report.json>', 'run again with the suite files and settings recorded in an earlier report')
    .action(async (files: string[], flags: BatchFlags) => {
      const [benchFiles, benchFlags] = flags.rerun ? await rerunSettings(flags.rerun, files, flags) : [files, flags];
      if (benchFiles.length === 0) throw new Error('bench: give the suite file(s), or --rerun <report.json>');
      const judgePrompt = benchFlags.judgePrompt
        ? await loadJudgePrompt(benchFlags.judgePrompt, benchFlags.suite ?? (await detectSuite(benchFiles)))
        : undefined;
      await withGenerations((g) => runBatch(g, benchFiles, benchFlags, judgePrompt));
    });
  registerBenchCompare(bench);
  registerBenchJudgeAgreement(bench);

  program
    .command('batch-status')
    .description('progress of a batch')
    .argument('<batchId>')
    .option('--json', 'print JSON')
    .action((batchId: string, flags: { json?: boolean }) =>
      withGenerations(async (g) => {
        const p = await g.client.workflow.getHandle(batchWorkflowId(batchId)).query(batchProgressQuery);
        if (flags.json) printJson(p);
        else console.log(progressLine(p));
      }),
    );
}

function ablationsOf(flags: BatchFlags): Ablations {
  return { noReason: !flags.reason, noSearch: !flags.search, noMemory: !flags.memory, noFeedback: !flags.feedback, direct: flags.direct ?? false };
}

function systemLabel(flags: BatchFlags, ablations: Ablations): string {
  if (flags.system) return flags.system;
  if (ablations.direct) return 'image model alone (direct)';
  const off = Object.entries(ablations)
    .filter(([k, v]) => v && k !== 'direct')
    .map(([k]) => k.replace(/^no/, '').toLowerCase());
  return off.length ? `image-agent (without ${off.join(', ')})` : 'image-agent';
}

async function runBatch(g: Generations, files: string[], flags: BatchFlags, judgePrompt?: JudgePromptTemplate): Promise<void> {
  const ablations = ablationsOf(flags);
  const system = systemLabel(flags, ablations);
  const options = {
    ...(flags.size ? { size: flags.size } : {}),
    ...(flags.maxRounds ? { maxRounds: flags.maxRounds } : {}),
    ...(flags.seed !== undefined ? { seed: flags.seed } : {}),
    ablations,
  };
  const suite = flags.suite ?? (await detectSuite(files));
  const started = await startBatch(g, files, {
    suite,
    batchId: flags.batchId,
    tenantId: flags.tenant,
    system,
    concurrency: flags.concurrency,
    options,
    casesPerRun: flags.casesPerRun,
    folders: { inputImageDir: flags.inputImageDir, referenceImageDir: flags.referenceImageDir, strictImages: flags.strictImages },
    ...(judgePrompt ? { judgePrompt } : {}),
    ...(suite === 'requests'
      ? {}
      : {
          record: () =>
            benchRunRecord({
              config: g.config,
              options,
              judgePrompt,
              settings: {
                files: files.map((f) => path.resolve(f)),
                suite,
                system,
                ...(flags.concurrency !== undefined ? { concurrency: flags.concurrency } : {}),
                ...(flags.size ? { size: flags.size } : {}),
                ...(flags.maxRounds ? { maxRounds: flags.maxRounds } : {}),
                ...(flags.seed !== undefined ? { seed: flags.seed } : {}),
                ablations: { ...ablations },
                ...(flags.inputImageDir ? { inputImageDir: path.resolve(flags.inputImageDir) } : {}),
                ...(flags.referenceImageDir ? { referenceImageDir: path.resolve(flags.referenceImageDir) } : {}),
                ...(flags.strictImages ? { strictImages: true } : {}),
                ...(flags.judgePrompt ? { judgePromptFile: path.resolve(flags.judgePrompt) } : {}),
              },
            }),
        }),
  });
  if (!flags.json) for (const line of describeClamps(started.clamped)) console.error(`image-agent: ${line}`);
  const providers = g.config.models.mode;
  if (!flags.json) {
    console.log(
      `batch ${started.batchId}: ${started.total} ${started.suite} case(s), concurrency ${started.concurrency}, providers ${providers}${providers === 'offline' ? ' (OFFLINE: scores measure the offline pipeline, not a model)' : ''}`,
    );
  }
  if (flags.detach) {
    if (flags.json) printJson(started);
    return;
  }
  const handle = g.client.workflow.getHandle(batchWorkflowId(started.batchId));
  const result = flags.json ? ((await handle.result()) as BatchResult) : await followWithBar(handle, started.total);
  const local = await downloadBatchOutputs(g, result, path.join(flags.out, started.batchId));
  if (flags.json) return printJson({ ...result, local });
  console.log(fs.readFileSync(local.markdown, 'utf8'));
  console.log(
    `report     ${local.json}\nmarkdown   ${local.markdown}\nchart      ${local.chart}\nimages     ${local.images}${local.official ? `\nofficial   ${local.official}` : ''}\nS3         s3://${g.config.s3.bucket}/${path.posix.dirname(result.report.json)}/`,
  );
}

function progressLine(p: BatchProgress): string {
  return `${p.batchId}: ${p.done + p.failed}/${p.total} finished (${p.failed} failed, ${p.running} running${p.judged ? `, ${p.passed}/${p.judged} passed` : ''})${p.etaSeconds !== undefined ? `, ETA ${p.etaSeconds}s` : ''}`;
}

async function followWithBar(
  handle: { result(): Promise<unknown>; query: (q: typeof batchProgressQuery) => Promise<BatchProgress> },
  total: number,
): Promise<BatchResult> {
  const bar = new SingleBar({
    format: '{bar} {value}/{total} cases | {passed} passed | {failed} failed | {running} running | ETA {eta_formatted}',
    hideCursor: true,
    etaBuffer: 20,
  });
  bar.start(total, 0, { passed: 0, failed: 0, running: 0 });
  const done = handle.result() as Promise<BatchResult>;
  let finished = false;
  void done.finally(() => (finished = true));
  while (!finished) {
    await Promise.race([done.catch(() => undefined), new Promise((r) => setTimeout(r, 1000))]);
    const p = await handle.query(batchProgressQuery).catch(() => undefined);
    if (p) bar.update(p.done + p.failed, { passed: p.judged ? `${p.passed}/${p.judged}` : p.passed, failed: p.failed, running: p.running });
  }
  bar.stop();
  return done;
}
