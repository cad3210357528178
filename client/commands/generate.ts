/** `image-agent generate`: start a generation; with --wait, follow it live and print the run. */
import { describeClamps } from '../../common/resolveRunOptions';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { projectRoot } from '../../common/paths';
import { parseGenerateRequest } from '../../common/requestSchema';
import type { ReviewPolicy } from '../../common/review';
import type { GenerateImageResult } from '../../common/runResult';
import { copyFinalImages } from '../copyFinalImages';
import { idempotentWorkflowId, newWorkflowId, startGeneration, type Generations } from '../generations';
import { waitingOutObjectStorage } from '../outageWait';
import { formatRun } from '../printRun';
import { uploadInputImages } from '../uploadInputImages';
import { intOption, printJson, withGenerations } from './context';
import { watchRun } from './watchRun';

interface GenerateFlags {
  size: string;
  seed?: number;
  maxRounds?: number;
  tenant: string;
  user: string;
  session?: string;
  image: string[];
  out: string;
  wait?: boolean;
  json?: boolean;
  reason: boolean;
  search: boolean;
  memory: boolean;
  feedback: boolean;
  direct?: boolean;
  review?: boolean;
  planApproval?: boolean;
  reviewTimeout?: string;
  onTimeout?: ReviewPolicy['onTimeout'];
  webhook?: string;
  requestId?: string;
}

export function registerGenerate(program: Command): void {
  program
    .command('generate')
    .description('generate an image for a request')
    .argument('<request...>', 'what to draw, in your own words')
    .option('--size <WxH>', 'image size', '1024x1024')
    .option('--seed <n>', 'seed, where the image model supports one', intOption)
    .option('--max-rounds <n>', 'renders at most, feedback included (default 3)', intOption)
    .addOption(new Option('--tenant <id>', 'tenant').default('local').env('IMAGE_AGENT_TENANT'))
    .addOption(new Option('--user <id>', 'user, for memory').default('local-user').env('IMAGE_AGENT_USER'))
    .option('--session <id>', 'conversation this turn belongs to (memory)')
    .option('--image <file>', 'a reference image of yours (repeatable)', (v: string, all: string[]) => [...all, v], [])
    .addOption(new Option('--out <dir>', 'where to copy the final images').default(path.join(projectRoot, 'out'), 'out/ in the clone'))
    .option('--wait', 'follow the run live and print it (otherwise print the run id and return)')
    .option('--json', 'print JSON, for scripts')
    .option('--no-reason', 'ablation: skip questions routed to reasoning')
    .option('--no-search', 'ablation: skip web and image search')
    .option('--no-memory', 'ablation: no memory recall or update')
    .option('--no-feedback', 'ablation: one render, no critique loop')
    .option('--direct', 'baseline: the image model alone, no agent')
    .option('--review', 'wait for a reviewer to approve the result')
    .option('--plan-approval', 'wait for a reviewer to approve the plan before rendering')
    .option('--review-timeout <duration>', 'how long to wait for a reviewer, e.g. "24 hours"')
    .addOption(new Option('--on-timeout <policy>', 'what a review timeout does').choices(['approve_best', 'reject', 'expire']))
    .option('--webhook <url>', 'POST signed events here (review needed, completed)')
    .option('--request-id <key>', 'an idempotency key: running the command again with the same key returns the same run instead of starting another')
    .action((words: string[], flags: GenerateFlags) => withGenerations((g) => generate(g, words.join(' '), flags)));
}

async function generate(g: Generations, request: string, flags: GenerateFlags): Promise<void> {
  const workflowId = flags.requestId ? idempotentWorkflowId(flags.tenant, flags.requestId) : newWorkflowId();
  const defaults = g.config.review.defaults;
  const reviewFlags = flags.review !== undefined || flags.planApproval !== undefined || flags.reviewTimeout !== undefined || flags.onTimeout !== undefined;
  const input = parseGenerateRequest({
    request,
    tenantId: flags.tenant,
    userId: flags.user,
    ...(flags.session ? { sessionId: flags.session } : {}),
    ...(flags.image.length ? { inputImageKeys: await uploadInputImages(g.store, flags.tenant, flags.image) } : {}),
    options: {
      size: flags.size,
      ...(flags.seed !== undefined ? { seed: flags.seed } : {}),
      ...(flags.maxRounds !== undefined ? { maxRounds: flags.maxRounds } : {}),
      ablations: { noReason: !flags.reason, noSearch: !flags.search, noMemory: !flags.memory, noFeedback: !flags.feedback, direct: flags.direct ?? false },
    },
    ...(reviewFlags
      ? {
          review: {
            required: flags.review ?? defaults.required,
            planApproval: flags.planApproval ?? defaults.planApproval,
            onTimeout: flags.onTimeout ?? defaults.onTimeout,
            ...((flags.reviewTimeout ?? defaults.timeout) ? { timeout: flags.reviewTimeout ?? defaults.timeout } : {}),
          },
        }
      : {}),
    ...(flags.webhook ? { webhookUrl: flags.webhook } : {}),
  });
  // The run's input is encrypted under the tenant's data key: while object storage is down and no copy of
  // it is on this machine, the start waits within the outage window (the same run id: a retry joins it).
  const started = await waitingOutObjectStorage(g.config, 'start the run', () =>
    startGeneration(g, input, workflowId, { idempotent: flags.requestId !== undefined }),
  );
  if (started.existing && !flags.json) console.log(`(request id ${flags.requestId} already started this run; nothing new was started)`);
  // Never silent: what the tenant's policy changed of the request is said before anything else.
  if (!flags.json) for (const line of describeClamps(started.clamped)) console.error(`image-agent: ${line}`);
  if (!flags.json && started.policyStaleForMs !== undefined)
    console.error(
      `image-agent: Postgres is unreachable: the run uses the tenant policy this process read ${Math.round(started.policyStaleForMs / 1000)} s ago`,
    );
  const howToReview = reviewHelp(started.workflowId, input.review, g.config.api);
  if (!flags.wait) {
    if (flags.json) printJson(started);
    else console.log(`run        ${started.workflowId}\nTemporal   ${started.ui}${howToReview}`);
    return;
  }
  const handle = g.client.workflow.getHandle(workflowId);
  if (!flags.json) {
    console.log(`run        ${started.workflowId}\nTemporal   ${started.ui}${howToReview}\n`);
    await watchRun(handle, (line) => console.log(line));
    console.log('');
  }
  const result = (await handle.result()) as GenerateImageResult;
  const copies = await copyFinalImages(g, result, flags.out, workflowId);
  if (flags.json) printJson({ ...result, copies, ui: started.ui });
  else console.log(formatRun(result, { copies, ui: started.ui, bucket: g.config.s3.bucket }));
}

/** For a run that waits for a reviewer: the commands that decide it and the review page. */
function reviewHelp(workflowId: string, review: { required?: boolean; planApproval?: boolean } | undefined, api: { host: string; port: number }): string {
  if (!review?.required && !review?.planApproval) return '';
  const lines = [''];
  if (review.planApproval) lines.push(`plan       image-agent approve-plan ${workflowId}   (or: image-agent approve-plan ${workflowId} --prompt "…")`);
  if (review.required) lines.push(`review     image-agent approve ${workflowId}`, `           image-agent reject ${workflowId} --feedback "…"`);
  lines.push(`           review page http://${api.host}:${api.port}/review (sign in once with your API token; the local stack's is in .stack/api-token)`);
  return lines.join('\n');
}
