/**
 * `image-agent batch` on a CSV of requests (offline), malformed suites rejected precisely at the CLI, a batch
 * started again skipping what it finished, and cancel leaving a consistent partial report.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { BatchResult } from '../common/batch';
import { startBatch } from '../client/batches';
import { projectRoot } from '../common/paths';
import { batchProgressQuery, batchWorkflowId } from '../workflows/batchMessages';
import { runCli } from './support/cli';
import { eventually } from './support/eventually';
import { startTestEnv, type TestEnv } from './support/testEnv';

describe('batches from the CLI', () => {
  let env: TestEnv;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'batch-cli-'));

  beforeAll(async () => {
    env = await startTestEnv({ name: 'batch-cli' });
  });
  afterAll(async () => {
    await env?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('a CSV of requests becomes one image per row, written locally with the report', async () => {
    const csv = path.join(dir, 'catalogue.csv');
    fs.writeFileSync(
      csv,
      'id,request,size\nmug,"a ceramic mug on a white background",256x256\ntote,"a canvas tote bag, studio light",256x256\nlamp,a brass desk lamp,256x256\n',
    );
    const out = path.join(dir, 'out');
    const res = await runCli(['batch', csv, '--json', '--out', out], { IMAGE_AGENT_TASK_QUEUE: env.taskQueue, IMAGE_AGENT_PROVIDERS: 'offline' }, 180_000);
    expect(res.stderr).toBe('');
    const result = JSON.parse(res.stdout) as BatchResult & { local: { images: string; json: string } };
    expect(result.progress).toMatchObject({ total: 3, done: 3, failed: 0 });
    expect(fs.readdirSync(result.local.images).sort()).toEqual(['lamp.png', 'mug.png', 'tote.png']);
    const report = JSON.parse(fs.readFileSync(result.local.json, 'utf8'));
    expect(report.cases.map((c: { caseId: string; status: string }) => [c.caseId, c.status]).sort()).toEqual([
      ['lamp', 'done'],
      ['mug', 'done'],
      ['tote', 'done'],
    ]);
  });

  test.each([
    ['ia-bench-subtask-mismatch.jsonl', /ia-bench-subtask-mismatch\.jsonl:2: field "subtask": "maze" belongs to capability "reason", not "plan"/],
    ['mindbench-i2i-without-image.jsonl', /mindbench-i2i-without-image\.jsonl:\d+: field "Image_Name": an I2I case needs Image_Name/],
    ['wise-duplicate-within.json', /wise-duplicate-within\.json:\d+: field "prompt_id":/],
  ])('a malformed %s is rejected with file, line and field, and nothing starts', async (name, expected) => {
    const res = await runCli(['bench', path.join(projectRoot, 'benchmarks', 'fixtures', 'malformed', name)], { IMAGE_AGENT_TASK_QUEUE: env.taskQueue });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(expected);
    expect(res.stderr).not.toMatch(/\n\s+at /);
  });

  test('a bad request row names its line and field', async () => {
    const csv = path.join(dir, 'bad.csv');
    fs.writeFileSync(csv, 'id,request,size\nok,a cup,256x256\nbad,,huge\n');
    const res = await runCli(['batch', csv], { IMAGE_AGENT_TASK_QUEUE: env.taskQueue });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/bad\.csv:3: field "request": /);
    expect(res.stderr).toMatch(/bad\.csv:3: field "size": must look like 1024x1024/);
  });

  test('cancel stops new cases and leaves a partial report; starting the batch again finishes only the rest', async () => {
    const jsonl = path.join(dir, 'twenty.jsonl');
    fs.writeFileSync(
      jsonl,
      Array.from({ length: 20 }, (_, i) => JSON.stringify({ id: `item-${i}`, request: `product shot number ${i}`, size: '128x128' })).join('\n'),
    );
    const g = { client: env.client, config: env.config, store: env.store };
    const batchId = `cancel-${randomUUID().slice(0, 8)}`;
    await startBatch(g, [jsonl], { batchId, tenantId: 'acme', system: 'test', concurrency: 1 });
    const handle = env.client.workflow.getHandle(batchWorkflowId(batchId));
    await eventually(async () => expect((await handle.query(batchProgressQuery)).done).toBeGreaterThanOrEqual(3), 60_000, 100);
    await handle.cancel();
    await expect(handle.result()).rejects.toThrow();
    expect((await handle.describe()).status.name).toBe('CANCELLED');
    const partial = await env.store.getJson<{ cases: { caseId: string }[] }>(`batches/${batchId}/report/report.json`);
    const finished = partial.cases.length;
    expect(finished).toBeGreaterThanOrEqual(3);
    expect(finished).toBeLessThan(20);

    await startBatch(g, [jsonl], { batchId, tenantId: 'acme', system: 'test', concurrency: 4 });
    const again: BatchResult = await env.client.workflow.getHandle(batchWorkflowId(batchId)).result();
    expect(again.progress.done).toBe(20);
    const runs: string[] = [];
    for await (const w of env.client.workflow.list({ query: `ImageAgentBatch = '${batchId}' AND WorkflowType = 'generateImage'` })) runs.push(w.workflowId);
    // Cases finished before the cancel were not generated again: one run each. (A case cancelled mid-flight
    // may legitimately run again.)
    for (const { caseId } of partial.cases) expect(runs.filter((id) => id.includes(`-case-${caseId}-turn-`))).toHaveLength(1);
  });
});
