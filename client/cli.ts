#!/usr/bin/env node
/** image-agent's command line. */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { loadConfig } from '../common/config';
import { projectRoot } from '../common/paths';
import { stackStatus } from '../infra/stack';
import { ObjectStore } from '../providers/objectStore';
import type { GenerateImageInput, GenerateImageResult } from '../workflows/generateImage';
import { describeFailure } from './describeFailure';
import { connectClient, runUiUrl } from './temporalClient';

const program = new Command('image-agent').description('agentic image generation on Temporal').showHelpAfterError();

program
  .command('generate')
  .description('generate an image for a request and wait for the result')
  .argument('<prompt...>', 'what to draw')
  .option('--size <WxH>', 'image size', '1024x1024')
  .option('--seed <n>', 'seed, where the image model supports one', (v) => Number.parseInt(v, 10))
  .option('--out <dir>', 'where to copy the final image', path.join(projectRoot, 'out'))
  .option('--wait', 'wait for the result and print it (otherwise print the run id and return)')
  .action(async (words: string[], opts: { size: string; seed?: number; out: string; wait?: boolean }) => {
    const config = loadConfig();
    const client = await connectClient(config);
    const prompt = words.join(' ');
    const workflowId = `img-${randomUUID()}`;
    const input: GenerateImageInput = { prompt, size: opts.size, seed: opts.seed };
    const handle = await client.workflow.start('generateImage', { taskQueue: config.temporal.taskQueue, workflowId, args: [input] });
    console.log(`run       ${workflowId}`);
    console.log(`Temporal  ${runUiUrl(config, workflowId, handle.firstExecutionRunId)}`);
    if (!opts.wait) {
      await client.connection.close();
      return;
    }
    const result = (await handle.result()) as GenerateImageResult;
    const store = new ObjectStore(config.s3);
    const image = result.final.image;
    fs.mkdirSync(opts.out, { recursive: true });
    const local = path.join(opts.out, `${workflowId}.png`);
    fs.writeFileSync(local, await store.get(image.key));
    console.log(`providers ${result.final.provider}${result.final.provider === 'offline' ? ' (OFFLINE: no model was called; set OPENAI_API_KEY or OPENAI_BASE_URL for real models)' : ''}`);
    console.log(`image     s3://${image.bucket}/${image.key} (${image.width}x${image.height}, sha256 ${image.sha256.slice(0, 12)})`);
    console.log(`url       ${await store.presign(image.key)}`);
    console.log(`copy      ${path.relative(process.cwd(), local)}`);
    store.destroy();
    await client.connection.close();
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
