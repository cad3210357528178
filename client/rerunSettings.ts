/**
 * `bench --rerun <report.json>`: the suite files and settings an earlier run recorded, as command-line flags.
 * Only where the outputs go and how the run is followed come from the new command line; a suite file or the
 * code that changed since is said on stderr, since the rerun would then not be the same run.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { z } from 'zod';
import type { SuiteKind } from '../common/batch';
import { projectRoot } from '../common/paths';

const settingsSchema = z.object({
  files: z.array(z.string()).min(1),
  suite: z.enum(['ia-bench', 'mindbench', 'wise']),
  system: z.string(),
  concurrency: z.number().int().optional(),
  size: z.string().optional(),
  maxRounds: z.number().int().optional(),
  seed: z.number().int().optional(),
  ablations: z.object({
    noReason: z.boolean().optional(),
    noSearch: z.boolean().optional(),
    noMemory: z.boolean().optional(),
    noFeedback: z.boolean().optional(),
    direct: z.boolean().optional(),
  }),
  inputImageDir: z.string().optional(),
  referenceImageDir: z.string().optional(),
  strictImages: z.boolean().optional(),
  judgePromptFile: z.string().optional(),
});

const reportSchema = z.object({
  record: z.object({
    rerun: settingsSchema,
    suite: z.object({ files: z.array(z.object({ path: z.string(), sha256: z.string() })) }),
    code: z.object({ commit: z.string().nullable() }),
    judge: z.object({ prompt: z.object({ source: z.string(), sha256: z.string() }) }),
  }),
});

/** The flags `runBatch` takes; kept structural so this module does not depend on the command's file. */
interface RerunFlags {
  suite?: SuiteKind;
  system?: string;
  concurrency?: number;
  size?: string;
  maxRounds?: number;
  seed?: number;
  reason: boolean;
  search: boolean;
  memory: boolean;
  feedback: boolean;
  direct?: boolean;
  inputImageDir?: string;
  referenceImageDir?: string;
  strictImages?: boolean;
  judgePrompt?: string;
}

export async function rerunSettings<F extends RerunFlags>(reportFile: string, files: string[], flags: F): Promise<[string[], F]> {
  if (files.length > 0) throw new Error(`bench --rerun ${reportFile}: the suite files come from the report; give no files`);
  const text = await readFile(reportFile, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new Error(`--rerun ${reportFile}: cannot read it (${err.code ?? err.message})`);
  });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`--rerun ${reportFile}: not JSON (${(err as Error).message})`);
  }
  const parsed = reportSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`--rerun ${reportFile}: field "${issue.path.join('.')}": ${issue.message} (a report from before reproducibility records cannot be rerun)`);
  }
  const { record } = parsed.data;
  const s = record.rerun;
  for (const f of record.suite.files) {
    const now = await readFile(f.path).then(
      (b) => createHash('sha256').update(b).digest('hex'),
      () => 'missing',
    );
    if (now !== f.sha256) console.error(`warning: ${f.path} ${now === 'missing' ? 'is missing' : 'changed since the recorded run'}`);
  }
  if (s.judgePromptFile) {
    const now = await readFile(s.judgePromptFile).then(
      (b) => createHash('sha256').update(b).digest('hex'),
      () => 'missing',
    );
    if (now !== record.judge.prompt.sha256)
      console.error(`warning: the judge prompt ${s.judgePromptFile} ${now === 'missing' ? 'is missing' : 'changed since the recorded run'}`);
  }
  const commit = currentCommit();
  if (record.code.commit && commit && commit !== record.code.commit)
    console.error(`warning: the code is at ${commit.slice(0, 12)}, the recorded run at ${record.code.commit.slice(0, 12)}`);
  return [
    s.files,
    {
      ...flags,
      suite: s.suite,
      system: s.system,
      concurrency: flags.concurrency ?? s.concurrency,
      size: s.size,
      maxRounds: s.maxRounds,
      seed: s.seed,
      reason: !s.ablations.noReason,
      search: !s.ablations.noSearch,
      memory: !s.ablations.noMemory,
      feedback: !s.ablations.noFeedback,
      direct: s.ablations.direct,
      inputImageDir: s.inputImageDir,
      referenceImageDir: s.referenceImageDir,
      strictImages: s.strictImages,
      judgePrompt: s.judgePromptFile,
    },
  ];
}

function currentCommit(): string | undefined {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: projectRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}
