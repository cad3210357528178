/**
 * `image-agent bench` end to end against the fake model server, with the workers as separate processes: the
 * orchestration worker is killed (SIGKILL) mid-run and restarted. Every case is generated once and judged
 * once, per the histories; the report and chart come out.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { loadIaBenchSuite } from '../benchmarks/iaBench/suite';
import { projectRoot } from '../common/paths';
import { queueHasPoller } from '../infra/workerProcesses';
import { batchProgressQuery, batchWorkflowId } from '../workflows/batch/batchMessages';
import { scriptAgentDefaults } from './fakeOpenAI/agentDefaults';
import { FakeOpenAIServer } from './fakeOpenAI/fakeOpenAIServer';
import { runCli } from './support/cli';
import { eventually } from './support/eventually';
import { DIST } from './support/paths';
import { startTestEnv, type TestEnv } from './support/testEnv';

const SUITE = path.join(projectRoot, 'benchmarks', 'suites', 'ia-bench-sample.jsonl');

describe('image-agent bench', () => {
  let fake: FakeOpenAIServer;
  let env: TestEnv;
  let workerEnv: Record<string, string>;
  const workers: ChildProcess[] = [];

  const startWorker = (entry: 'orchestrationWorker' | 'gpuWorker'): ChildProcess => {
    const child = spawn(process.execPath, [path.join(DIST, 'workers', `${entry}.js`)], { env: { ...process.env, ...workerEnv }, stdio: 'ignore' });
    workers.push(child);
    return child;
  };

  beforeAll(async () => {
    fake = await new FakeOpenAIServer().start();
    // A little latency on every model call, so the run lasts long enough to kill a worker in the middle of it.
    fake.baseLatencyMs.chat = 40;
    scriptAgentDefaults(fake);
    env = await startTestEnv({ name: 'bench', fake, workers: false });
    workerEnv = { IMAGE_AGENT_TASK_QUEUE: env.taskQueue, OPENAI_BASE_URL: fake.baseURL, OPENAI_API_KEY: 'sk-test-fake-key', IMAGE_AGENT_PROVIDERS: 'openai' };
  });
  afterAll(async () => {
    for (const w of workers) w.kill('SIGKILL');
    await env?.stop();
    await fake?.stop();
  });

  test('runs the sample suite, survives a killed worker, generates and judges every case exactly once', async () => {
    const cases = await loadIaBenchSuite(SUITE);
    const turns = cases.reduce((n, c) => n + c.turns.length, 0);
    let orchestration = startWorker('orchestrationWorker');
    startWorker('gpuWorker');
    await eventually(async () => expect(await queueHasPoller(env.config, env.taskQueue, 'workflow')).toBe(true), 60_000, 500);

    const batchId = `bench-${randomUUID().slice(0, 8)}`;
    const cli = runCli(
      ['bench', SUITE, '--batch-id', batchId, '--size', '256x256', '--concurrency', '6', '--json', '--out', path.join(projectRoot, 'out', 'test-bench')],
      workerEnv,
      600_000,
    );

    // Mid-run: kill the orchestration worker outright, then start a new one.
    const handle = env.client.workflow.getHandle(batchWorkflowId(batchId));
    await eventually(async () => expect((await handle.query(batchProgressQuery)).done).toBeGreaterThanOrEqual(8), 120_000, 250);
    const before = await handle.query(batchProgressQuery);
    orchestration.kill('SIGKILL');
    console.log(`killed the orchestration worker with ${before.done}/${before.total} cases done, ${before.running} running`);
    await new Promise((r) => setTimeout(r, 1000));
    orchestration = startWorker('orchestrationWorker');

    const res = await cli;
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    const out = JSON.parse(res.stdout) as {
      outcome: string;
      progress: { done: number; failed: number; total: number };
      local: { json: string; chart: string; markdown: string; images: string };
    };
    expect(out.outcome).toBe('completed');
    expect(out.progress).toMatchObject({ done: cases.length, failed: 0, total: cases.length });

    // The report and the chart came out, locally and in S3.
    const report = JSON.parse(fs.readFileSync(out.local.json, 'utf8'));
    expect(report.iaBench.cases).toHaveLength(cases.length);
    expect(report.iaBench.metrics.iaScore).toBeCloseTo(1, 5); // the fake judge passes every item
    const chart = await sharp(fs.readFileSync(out.local.chart)).metadata();
    expect(chart.format).toBe('png');
    expect(fs.readFileSync(out.local.markdown, 'utf8')).toContain('45.4');
    expect(fs.readdirSync(out.local.images)).toHaveLength(cases.length);

    // Per the histories: one GenerateImage run per turn, one judge per case, despite the kill.
    const generations = await eventually(async () => {
      const runs: string[] = [];
      for await (const w of env.client.workflow.list({ query: `ImageAgentBatch = '${batchId}' AND WorkflowType = 'generateImage'` })) runs.push(w.workflowId);
      expect(runs).toHaveLength(turns);
      return runs;
    });
    expect(new Set(generations).size).toBe(turns);
    const caseRuns: string[] = [];
    for await (const w of env.client.workflow.list({ query: `ImageAgentBatch = '${batchId}' AND WorkflowType = 'batchCase'` })) caseRuns.push(w.workflowId);
    expect(new Set(caseRuns).size).toBe(cases.length);
    expect(caseRuns).toHaveLength(cases.length);
    for (const id of caseRuns) {
      const events = (await env.client.workflow.getHandle(id).fetchHistory()).events ?? [];
      const judges = events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'judgeCase');
      expect(judges).toHaveLength(1);
      // …and that one judge completed (no error-recording second call was needed).
      const completed = events.filter((e) => String(e.activityTaskCompletedEventAttributes?.scheduledEventId) === String(judges[0]!.eventId));
      expect(completed).toHaveLength(1);
    }
  });
});
