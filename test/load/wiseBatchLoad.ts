/**
 * A WISE-Verified batch through the Batch workflow against the fake OpenAI-compatible server, with
 * continue-as-new along the way. Shared by the suite (a few hundred records, asserting properties) and
 * by `npm run bench:wise` (1,000 records, printing the rate): a throughput figure belongs in a
 * benchmark that prints it, not in a test that a slow machine can fail.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { generateWise1000, splitByDomain } from '../../benchmarks/fixtures/generateWise1000';
import type { BatchResult } from '../../common/batch';
import { startBatch } from '../../client/batches';
import { batchWorkflowId } from '../../workflows/batch/batchMessages';
import { scriptAgentDefaults } from '../fakeOpenAI/agentDefaults';
import { FakeOpenAIServer } from '../fakeOpenAI/fakeOpenAIServer';
import { startTestEnv } from '../support/testEnv';

export interface WiseBatchLoadOptions {
  /** How many records, spread evenly over the 1,000 synthetic ids (so every category is present). */
  records: number;
  casesPerRun: number;
  concurrency?: number;
}

export interface WiseBatchLoadResult {
  ids: number[];
  seconds: number;
  result: BatchResult;
  /** The official scores file, one line per case. */
  scoresLines: string[];
  imageObjects: number;
  wiseOverall: number;
}

/** Every k-th synthetic record, so a smaller run keeps every category's share. */
export function spreadRecords(count: number): ReturnType<typeof generateWise1000> {
  const all = generateWise1000();
  if (count >= all.length) return all;
  const step = all.length / count;
  return Array.from({ length: count }, (_, i) => all[Math.floor(i * step)]!);
}

export async function runWiseBatchLoad(options: WiseBatchLoadOptions): Promise<WiseBatchLoadResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wise-batch-'));
  const fake = await new FakeOpenAIServer().start();
  const concurrency = options.concurrency ?? 32;
  try {
    fake.baseLatencyMs.chat = 5;
    fake.baseLatencyMs['images.generate'] = 5;
    scriptAgentDefaults(fake);
    const env = await startTestEnv({ name: 'wise-batch', fake, env: { IMAGE_AGENT_ACTIVITY_CONCURRENCY: '64', IMAGE_AGENT_GPU_CONCURRENCY: '32' } });
    try {
      const records = spreadRecords(options.records);
      // The official release has one file per domain; the loader takes them all.
      const files = Object.entries(splitByDomain(records)).map(([domain, rs]) => {
        const file = path.join(dir, `${domain}.json`);
        fs.writeFileSync(file, JSON.stringify(rs, null, 1));
        return file;
      });
      const started = Date.now();
      const batch = await startBatch({ client: env.client, config: env.config, store: env.store }, files, {
        suite: 'wise',
        batchId: `wise${records.length}-${randomUUID().slice(0, 8)}`,
        tenantId: 'load',
        system: 'image-agent (load test)',
        concurrency,
        // The paper runs WISE-Verified with the feedback loop off.
        options: { size: '64x64', ablations: { noFeedback: true } },
        casesPerRun: options.casesPerRun,
      });
      if (batch.total !== records.length) throw new Error(`the batch took ${batch.total} of ${records.length} records`);
      const result: BatchResult = await env.client.workflow.getHandle(batchWorkflowId(batch.batchId)).result();
      const seconds = (Date.now() - started) / 1000;
      const scores = (await env.store.get(result.report.official!)).toString('utf8');
      const report = await env.store.getJson<{ wise: { metrics: { wiseOverall: number } } }>(result.report.json);
      return {
        ids: records.map((r) => r.prompt_id),
        seconds,
        result,
        scoresLines: scores.trimEnd().split('\n'),
        imageObjects: (await env.store.list(result.report.imagesPrefix)).length,
        wiseOverall: report.wise.metrics.wiseOverall,
      };
    } finally {
      await env.stop();
    }
  } finally {
    await fake.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
