/**
 * `image-agent batch` on a CSV of requests (offline), malformed suites rejected precisely at the CLI, a batch
 * started again skipping what it finished, and cancel leaving a consistent partial report. A batch's objects
 * live under its tenant's prefix (sealed with the tenant's key); a batch started before that, with its manifest
 * and finished cases under `batches/<id>/`, still runs to the end. A batch starts as many cases as its
 * concurrency allows in one workflow task, and never more.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { BatchResult, CaseResult } from '../common/batch';
import { startBatch } from '../client/batches';
import { batchManifestKey, batchReportPrefix, caseResultKey, legacyBatchKey, tenantPrefix } from '../common/objectKeys';
import { projectRoot } from '../common/paths';
import { ObjectStore, SEALED_OBJECT_MAGIC } from '../providers/objectStore';
import { batchProgressQuery, batchWorkflowId } from '../workflows/batch/batchMessages';
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
    const partial = await env.store.getJson<{ cases: { caseId: string }[] }>(`${batchReportPrefix('acme', batchId)}report.json`);
    // Everything of the batch is in the tenant's prefix, sealed; nothing under the old batches/ prefix.
    expect(await env.store.list(legacyBatchKey(`${tenantPrefix('acme')}batches/${batchId}/`)!)).toEqual([]);
    expect((await env.store.getRaw(batchManifestKey('acme', batchId))).subarray(0, SEALED_OBJECT_MAGIC.length).equals(SEALED_OBJECT_MAGIC)).toBe(true);
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

  test('a batch started before tenant prefixes (manifest and finished cases under batches/<id>/) finishes, skipping its finished case', async () => {
    const jsonl = path.join(dir, 'legacy.jsonl');
    fs.writeFileSync(jsonl, ['a', 'b', 'c'].map((id) => JSON.stringify({ id, request: `legacy product shot ${id}`, size: '128x128' })).join('\n'));
    const batchId = `legacy-${randomUUID().slice(0, 8)}`;
    // Started on a queue no worker polls yet; then its objects are put where the code before this change kept them, in plaintext.
    const idle = await startTestEnv({ name: 'batch-legacy', workers: false });
    const plain = new ObjectStore(env.config.s3);
    let workers: TestEnv | undefined;
    try {
      await startBatch({ client: idle.client, config: idle.config, store: idle.store }, [jsonl], { batchId, tenantId: 'acme', system: 'test', concurrency: 2 });
      const current = await env.store.list(`${tenantPrefix('acme')}batches/${batchId}/`);
      expect(current.length).toBeGreaterThan(0);
      for (const key of current) await plain.put(legacyBatchKey(key)!, await env.store.get(key), 'application/json');
      await plain.remove(current);
      const before: CaseResult = {
        caseId: 'a',
        status: 'generation_failed',
        error: 'finished before the deploy',
        turnWorkflowIds: [],
        usage: { inputTokens: 0, outputTokens: 0, images: 0, calls: 0 },
        durationMs: 1,
      };
      await plain.putJson(legacyBatchKey(caseResultKey('acme', batchId, 'a'))!, before);

      workers = await startTestEnv({ name: 'batch-legacy-workers', taskQueue: idle.taskQueue });
      const result: BatchResult = await workers.client.workflow.getHandle(batchWorkflowId(batchId)).result();
      expect(result.progress.done + result.progress.failed).toBe(3);
      const runs: string[] = [];
      for await (const w of env.client.workflow.list({ query: `ImageAgentBatch = '${batchId}' AND WorkflowType = 'generateImage'` })) runs.push(w.workflowId);
      expect(runs.some((id) => id.includes('-case-a-turn-'))).toBe(false);
      expect(runs.some((id) => id.includes('-case-b-turn-'))).toBe(true);
      // New results and the report go under the tenant's prefix; the report holds the case finished before.
      expect(await env.store.exists(caseResultKey('acme', batchId, 'b'))).toBe(true);
      expect(result.report.json).toBe(`${batchReportPrefix('acme', batchId)}report.json`);
      const report = await env.store.getJson<{ cases: { caseId: string; error?: string }[] }>(result.report.json);
      expect(report.cases.map((c) => c.caseId).sort()).toEqual(['a', 'b', 'c']);
      expect(report.cases.find((c) => c.caseId === 'a')!.error).toBe('finished before the deploy');
    } finally {
      plain.destroy();
      await workers?.stop();
      await idle.stop();
    }
  });

  test('a batch starts every case its concurrency allows in one workflow task (at most 32), and never has more in flight', async () => {
    const jsonl = path.join(dir, 'thirty-six.jsonl');
    fs.writeFileSync(jsonl, Array.from({ length: 36 }, (_, i) => JSON.stringify({ id: `p-${i}`, request: `packshot ${i}`, size: '128x128' })).join('\n'));
    const batchId = `together-${randomUUID().slice(0, 8)}`;
    await startBatch({ client: env.client, config: env.config, store: env.store }, [jsonl], { batchId, tenantId: 'acme', system: 'test', concurrency: 34 });
    const handle = env.client.workflow.getHandle(batchWorkflowId(batchId));
    const result: BatchResult = await handle.result();
    expect(result.progress.done + result.progress.failed).toBe(36);
    const events = (await handle.fetchHistory()).events ?? [];
    // Starts issued by one workflow task completion are consecutive events: the first task issues 32 (a task's
    // cap), and later tasks the rest the concurrency allows as starts are recorded.
    const groups: number[] = [];
    let inFlight = 0;
    let widest = 0;
    for (const [i, e] of events.entries()) {
      if (e.startChildWorkflowExecutionInitiatedEventAttributes) {
        if (!events[i - 1]?.startChildWorkflowExecutionInitiatedEventAttributes) groups.push(0);
        groups[groups.length - 1]! += 1;
        widest = Math.max(widest, (inFlight += 1));
      }
      if (e.childWorkflowExecutionCompletedEventAttributes || e.childWorkflowExecutionFailedEventAttributes) inFlight -= 1;
    }
    expect(groups.reduce((a, b) => a + b, 0)).toBe(36);
    expect(groups[0]).toBe(32);
    expect(Math.max(...groups)).toBe(32);
    expect(widest).toBeGreaterThan(32);
    expect(widest).toBeLessThanOrEqual(34);
  });
});
