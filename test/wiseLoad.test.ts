/**
 * Load: a 1,000-record WISE-Verified file through the Batch workflow on one machine (fake models with short
 * latencies), with continue-as-new along the way. No case is lost, and the scores file is in the official
 * calculator's format.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { generateWise1000, splitByDomain } from '../benchmarks/fixtures/generateWise1000';
import type { BatchResult } from '../common/batch';
import { startBatch } from '../client/batches';
import { batchWorkflowId } from '../workflows/batchMessages';
import { scriptAgentDefaults } from './fakeOpenAI/agentDefaults';
import { FakeOpenAIServer } from './fakeOpenAI/fakeOpenAIServer';
import { startTestEnv, type TestEnv } from './support/testEnv';

describe('a 1,000-record WISE-Verified batch', () => {
  let fake: FakeOpenAIServer;
  let env: TestEnv;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wise1000-'));

  beforeAll(async () => {
    fake = await new FakeOpenAIServer().start();
    fake.baseLatencyMs.chat = 5;
    fake.baseLatencyMs['images.generate'] = 5;
    scriptAgentDefaults(fake);
    env = await startTestEnv({ name: 'wise1000', fake, env: { IMAGE_AGENT_ACTIVITY_CONCURRENCY: '64', IMAGE_AGENT_GPU_CONCURRENCY: '32' } });
  });
  afterAll(async () => {
    await env?.stop();
    await fake?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('runs every case once, and writes scores in the official format', async () => {
    // The official release has one file per domain; the loader takes them all.
    const files = Object.entries(splitByDomain(generateWise1000())).map(([domain, records]) => {
      const file = path.join(dir, `${domain}.json`);
      fs.writeFileSync(file, JSON.stringify(records, null, 1));
      return file;
    });
    const started = Date.now();
    const batch = await startBatch({ client: env.client, config: env.config, store: env.store }, files, {
      suite: 'wise',
      batchId: `wise1000-${randomUUID().slice(0, 8)}`,
      tenantId: 'load',
      system: 'image-agent (load test)',
      concurrency: 32,
      // The paper runs WISE-Verified with the feedback loop off.
      options: { size: '64x64', ablations: { noFeedback: true } },
      casesPerRun: 250,
    });
    expect(batch.total).toBe(1000);
    const result: BatchResult = await env.client.workflow.getHandle(batchWorkflowId(batch.batchId)).result();
    const seconds = (Date.now() - started) / 1000;
    console.log(`1,000 WISE cases in ${seconds.toFixed(0)} s (${(1000 / seconds).toFixed(1)} cases/s), continued as new ${result.progress.continuedAsNew} times`);
    expect(result.progress).toMatchObject({ total: 1000, done: 1000, failed: 0, judged: 1000 });
    expect(result.progress.continuedAsNew).toBeGreaterThanOrEqual(3);

    const scores = (await env.store.get(result.report.official!)).toString('utf8');
    const lines = scores.trimEnd().split('\n');
    expect(lines).toHaveLength(1000);
    const ids = lines.map((line) => {
      expect(line).toMatch(/^\{"prompt_id":\d+,"score":[01]\}$/);
      return (JSON.parse(line) as { prompt_id: number }).prompt_id;
    });
    expect(ids).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
    expect(await env.store.list(result.report.imagesPrefix)).toHaveLength(1000);
    const report = await env.store.getJson<{ wise: { metrics: { wiseOverall: number } } }>(result.report.json);
    expect(report.wise.metrics.wiseOverall).toBeCloseTo(1, 5);
  });
});
