/** `image-agent bench judge-agreement <report.json> --judge-model <model>`: Cohen's kappa against a second judge. */
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { z } from 'zod';
import { createJudge } from '../../providers/registry';
import { batchTenant } from '../batches';
import { judgeAgreement, judgeAgreementMarkdown } from '../judgeAgreement';
import { printJson, withGenerations } from './context';

const reportSchema = z.object({ runId: z.string().min(1) });

function batchIdOf(file: string): string {
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file}: cannot read it as JSON (${(err as Error).message})`);
  }
  const parsed = reportSchema.safeParse(json);
  if (!parsed.success) throw new Error(`${file}: field "runId": ${parsed.error.issues[0]!.message} (a batch report.json names its batch there)`);
  return parsed.data.runId;
}

export function registerBenchJudgeAgreement(bench: Command): void {
  bench
    .command('judge-agreement')
    .description("put a judged batch's cases before a second judge model: Cohen's kappa and the cases where they disagree")
    .argument('<report>', 'the report.json of a finished benchmark batch')
    .requiredOption('--judge-model <model>', "the second judge (on the judge role's vendor and endpoint)")
    .addHelpText('after', '\nOptions: --out <dir> (default: the folder of the report) for judge-agreement.json and .md; --json to print JSON.')
    .action(async (report: string, flags: { judgeModel: string }, cmd: Command) => {
      const parent = cmd.parent!;
      const common = parent.opts<{ out: string; json?: boolean; tenant: string }>();
      const batchId = batchIdOf(report);
      await withGenerations(async (g) => {
        if (g.config.models.vendors.judge === 'offline')
          throw new Error(
            'judge-agreement needs a model vendor for the judge (OPENAI_BASE_URL or OPENAI_API_KEY, or IMAGE_AGENT_JUDGE_VENDOR); the offline judge is not a model',
          );
        const second = createJudge(g.config, flags.judgeModel);
        // The batch's objects are under its tenant's prefix: --tenant when given, else the batch's own.
        const tenant = parent.getOptionValueSource('tenant') === 'cli' ? common.tenant : await batchTenant(g, batchId, common.tenant);
        const agreement = await judgeAgreement(g.store, tenant, batchId, second);
        const dir = parent.getOptionValueSource('out') === 'cli' ? common.out : path.dirname(path.resolve(report));
        fs.mkdirSync(dir, { recursive: true });
        const markdown = judgeAgreementMarkdown(agreement);
        fs.writeFileSync(path.join(dir, 'judge-agreement.json'), `${JSON.stringify(agreement, null, 2)}\n`);
        fs.writeFileSync(path.join(dir, 'judge-agreement.md'), markdown);
        if (common.json) printJson(agreement);
        else console.log(markdown);
      });
    });
}
