#!/usr/bin/env node
/** image-agent's command line. */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Command, Option } from 'commander';
import { loadConfig } from '../common/config';
import { projectRoot } from '../common/paths';
import { parseGenerateRequest } from '../common/requestSchema';
import type { GenerateImageResult } from '../common/runResult';
import { stackStatus } from '../infra/stack';
import { ObjectStore } from '../providers/objectStore';
import { describeFailure } from './describeFailure';
import { startOptions } from './startOptions';
import { connectClient, runUiUrl } from './temporalClient';
import { formatRun } from './printRun';
import { uploadInputImages } from './uploadInputImages';

const program = new Command('image-agent').description('agentic image generation on Temporal').showHelpAfterError();

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
}

const int = (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n)) throw new Error(`not an integer: ${v}`);
  return n;
};

program
  .command('generate')
  .description('generate an image for a request')
  .argument('<request...>', 'what to draw, in your own words')
  .option('--size <WxH>', 'image size', '1024x1024')
  .option('--seed <n>', 'seed, where the image model supports one', int)
  .option('--max-rounds <n>', 'renders at most, feedback included (default 3)', int)
  .addOption(new Option('--tenant <id>', 'tenant').default(process.env.IMAGE_AGENT_TENANT ?? 'local'))
  .addOption(new Option('--user <id>', 'user, for memory').default(process.env.IMAGE_AGENT_USER ?? 'local-user'))
  .option('--session <id>', 'conversation this turn belongs to (memory)')
  .option('--image <file>', 'a reference image of yours (repeatable)', (v: string, all: string[]) => [...all, v], [])
  .option('--out <dir>', 'where to copy the final image', path.join(projectRoot, 'out'))
  .option('--wait', 'wait for the result and print the run (otherwise print the run id and return)')
  .option('--json', 'print the result as JSON, for scripts')
  .option('--no-reason', 'ablation: skip questions routed to reasoning')
  .option('--no-search', 'ablation: skip web and image search')
  .option('--no-memory', 'ablation: no memory recall or update')
  .option('--no-feedback', 'ablation: one render, no critique loop')
  .option('--direct', 'baseline: the image model alone, no agent')
  .action(async (words: string[], flags: GenerateFlags) => {
    const config = loadConfig();
    const workflowId = `img-${randomUUID()}`;
    const store = new ObjectStore(config.s3);
    const input = parseGenerateRequest({
      request: words.join(' '),
      tenantId: flags.tenant,
      userId: flags.user,
      ...(flags.session ? { sessionId: flags.session } : {}),
      inputImageKeys: flags.image.length ? await uploadInputImages(store, workflowId, flags.image) : undefined,
      options: {
        size: flags.size,
        ...(flags.seed !== undefined ? { seed: flags.seed } : {}),
        ...(flags.maxRounds !== undefined ? { maxRounds: flags.maxRounds } : {}),
        ablations: { noReason: !flags.reason, noSearch: !flags.search, noMemory: !flags.memory, noFeedback: !flags.feedback, direct: flags.direct ?? false },
      },
    });
    const client = await connectClient(config);
    try {
      const handle = await client.workflow.start('generateImage', { ...startOptions(config, input, workflowId), args: [input] });
      const ui = runUiUrl(config, workflowId, handle.firstExecutionRunId);
      if (!flags.wait) {
        console.log(flags.json ? JSON.stringify({ workflowId, runId: handle.firstExecutionRunId, ui }) : `run       ${workflowId}\nTemporal  ${ui}`);
        return;
      }
      if (!flags.json) console.log(`run        ${workflowId}\nTemporal   ${ui}\n`);
      const result = (await handle.result()) as GenerateImageResult;
      fs.mkdirSync(flags.out, { recursive: true });
      const copies = await Promise.all(
        result.images.map(async (image) => {
          const file = path.join(flags.out, result.images.length > 1 ? `${workflowId}-${image.imageIndex}.png` : `${workflowId}.png`);
          fs.writeFileSync(file, await store.get(image.final.image.key));
          return { file: path.relative(process.cwd(), file), url: await store.presign(image.final.image.key) };
        }),
      );
      console.log(flags.json ? JSON.stringify({ ...result, copies, ui }, null, 2) : formatRun(result, { copies, ui }));
    } finally {
      store.destroy();
      await client.connection.close();
    }
  });

program
  .command('doctor')
  .description('check that Temporal, object storage, Postgres and both workers are reachable')
  .action(async () => {
    const rows = await stackStatus(loadConfig());
    for (const { service, healthy } of rows) {
      console.log(healthy ? `ok    ${service.describe()[0]}` : `DOWN  ${service.name} is unreachable: ${service.fix}`);
    }
    if (rows.some((r) => !r.healthy)) process.exitCode = 1;
  });

program.parseAsync().catch((err: unknown) => {
  console.error(`image-agent: ${describeFailure(err)}`);
  if (process.env.IMAGE_AGENT_DEBUG) console.error(err);
  process.exit(1);
});
