/**
 * The reproducibility record of a benchmark run, made where the run starts: the code version from git, the
 * suite files' hashes, the judge and agent models and endpoint hosts from the configuration (hosts only: no
 * key, no credentials), the judge prompt and every setting the command line chose.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { BUILT_IN_CHECKLIST_JUDGE_PROMPT } from '../benchmarks/judge/checklistJudge';
import type { JudgePromptTemplate } from '../benchmarks/judge/promptTemplate';
import { sha256Of } from '../benchmarks/judge/promptTemplate';
import { BUILT_IN_WISE_JUDGE_PROMPT, WISE_JUDGE_ATTEMPTS } from '../benchmarks/judge/wiseJudge';
import type { BenchmarkRunRecord, RerunSettings } from '../benchmarks/report/runRecord';
import type { AppConfig } from '../common/config';
import type { ModelRole } from '../common/modelRoles';
import { vendorEndpoint } from '../providers/modelVendors';
import { projectRoot } from '../common/paths';
import type { GenerateOptions } from '../common/request';

const run = promisify(execFile);

async function gitVersion(): Promise<BenchmarkRunRecord['code']> {
  try {
    const [{ stdout: commit }, { stdout: status }] = await Promise.all([
      run('git', ['rev-parse', 'HEAD'], { cwd: projectRoot }),
      run('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: projectRoot }),
    ]);
    return { commit: commit.trim(), dirty: status.trim() !== '' };
  } catch {
    return { commit: null, dirty: null };
  }
}

/** The host a role's calls go to; null for a vendor without endpoints (offline). */
function hostOf(config: AppConfig, role: ModelRole): string | null {
  const url = vendorEndpoint(config.models.vendors, config.models.settings, role);
  if (!url) return null;
  try {
    return new URL(url).host;
  } catch {
    return null;
  }
}

export interface RunRecordInput {
  config: AppConfig;
  settings: RerunSettings;
  options: Partial<GenerateOptions>;
  judgePrompt?: JudgePromptTemplate;
}

export async function benchRunRecord(input: RunRecordInput): Promise<BenchmarkRunRecord> {
  const { config, settings } = input;
  const builtIn = settings.suite === 'wise' ? BUILT_IN_WISE_JUDGE_PROMPT : BUILT_IN_CHECKLIST_JUDGE_PROMPT;
  const nonOfficial = [
    ...(settings.strictImages ? ['--strict-images: every World_Knowledge image is sent to the judge (the official evaluator sends the first)'] : []),
  ];
  const files = await Promise.all(settings.files.map(async (f) => ({ path: path.resolve(f), sha256: sha256Of(await readFile(f)) })));
  const seed = input.options.seed ?? null;
  return {
    mode: nonOfficial.length ? 'non-official' : 'official',
    nonOfficial,
    judge: {
      provider: config.models.mode,
      model: config.models.roles.judge,
      endpointHost: hostOf(config, 'judge'),
      temperature: 0,
      prompt: input.judgePrompt ? { source: 'file', name: input.judgePrompt.name, sha256: input.judgePrompt.sha256 } : { source: 'built-in', ...builtIn },
      wiseAttempts: WISE_JUDGE_ATTEMPTS,
    },
    agent: {
      providers: config.models.mode,
      models: Object.fromEntries(Object.entries(config.models.roles).filter(([role]) => role !== 'judge')),
      imageEndpointHost: hostOf(config, 'image'),
      sendSeed: config.models.sendSeed,
    },
    code: await gitVersion(),
    suite: { kind: settings.suite, files },
    options: input.options as Record<string, unknown>,
    seed: seed !== null && config.models.sendSeed ? seed : null,
    rerun: settings,
  };
}
