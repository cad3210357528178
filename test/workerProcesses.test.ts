/**
 * The worker processes as they run in production (dist/workers/*.js, ops endpoint on): /metrics after a
 * run shows the app counters moved by the right amounts next to the Temporal SDK's metrics; SIGTERM in the
 * middle of a render fails readiness at once, lets the render finish, exits 0, and the run completes with
 * exactly one render even though another GPU worker is polling the same queue.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { GenerateImageResult } from '../common/runResult';
import { queueHasPoller } from '../infra/workerProcesses';
import { scriptAgentDefaults } from './fakeOpenAI/agentDefaults';
import { FakeOpenAIServer } from './fakeOpenAI/fakeOpenAIServer';
import { eventually } from './support/eventually';
import { DIST } from './support/paths';
import { metricSum } from './support/prometheusText';
import { startTestEnv, type TestEnv } from './support/testEnv';
import { generateImage } from '../workflows/generate/generateImage';
import { freePort } from './support/freePort';

const IMAGE_MODEL = 'fake-image-model';

interface WorkerProcess {
  child: ChildProcess;
  entry: 'orchestrationWorker' | 'gpuWorker';
  opsPort: number;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output: () => string;
}

describe('worker processes: metrics and graceful shutdown', () => {
  let fake: FakeOpenAIServer;
  let env: TestEnv;
  let workerEnv: Record<string, string>;
  const processes: WorkerProcess[] = [];
  const tenantId = `metrics-${randomUUID().slice(0, 6)}`;

  const startWorker = async (entry: 'orchestrationWorker' | 'gpuWorker'): Promise<WorkerProcess> => {
    const opsPort = await freePort();
    const sdkPort = await freePort();
    const child = spawn(process.execPath, [path.join(DIST, 'workers', `${entry}.js`)], {
      env: {
        ...process.env,
        ...workerEnv,
        IMAGE_AGENT_OPS_PORT: String(opsPort),
        IMAGE_AGENT_SDK_METRICS_PORT: String(sdkPort),
        IMAGE_AGENT_LOG_FORMAT: 'json',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    const proc = { entry, child, opsPort, exited, output: () => output };
    processes.push(proc);
    await eventually(async () => expect((await fetch(`http://127.0.0.1:${opsPort}/readyz`)).status).toBe(200), 60_000, 300);
    return proc;
  };
  const scrape = async (p: WorkerProcess) => (await fetch(`http://127.0.0.1:${p.opsPort}/metrics`)).text();

  beforeAll(async () => {
    fake = scriptAgentDefaults(await new FakeOpenAIServer().start());
    env = await startTestEnv({ name: 'worker-processes', fake, workers: false });
    workerEnv = {
      IMAGE_AGENT_TASK_QUEUE: env.taskQueue,
      OPENAI_BASE_URL: fake.baseURL,
      OPENAI_API_KEY: 'sk-test-fake-key',
      IMAGE_AGENT_PROVIDERS: 'openai',
      IMAGE_AGENT_MODEL_IMAGE: IMAGE_MODEL,
      IMAGE_AGENT_PRICES: JSON.stringify({ [IMAGE_MODEL]: { perImage: 0.04 } }),
      IMAGE_AGENT_WORKER_GRACE_SECONDS: '60',
    };
  });
  afterAll(async () => {
    for (const p of processes) p.child.kill('SIGKILL');
    await env?.stop();
    await fake?.stop();
  });

  const generate = (workflowId: string, request: string) =>
    env.client.workflow.start(generateImage, {
      taskQueue: env.taskQueue,
      workflowId,
      args: [{ request, tenantId, userId: 'u1', options: { size: '256x256', maxRounds: 2 } }],
    });

  test('/metrics after a run: app counters moved by the run, SDK metrics beside them', async () => {
    const orchestration = await startWorker('orchestrationWorker');
    const gpu = await startWorker('gpuWorker');
    fake.script({
      route: 'chat',
      schema: 'context_plan',
      times: 1,
      reply: {
        json: {
          intent: 'apples',
          questions: [{ id: 'q1', question: 'What is 3*3-2?', route: 'reason', dependsOn: [] }],
          images: [{ id: 'image-1', brief: 'apples', dependsOn: [] }],
        },
      },
    });
    const handle = await generate(`metrics-${randomUUID()}`, 'a basket with 3*3-2 apples');
    const result = (await handle.result()) as GenerateImageResult;
    expect(result.outcome).toBe('completed');
    const rounds = result.images[0]!.candidates.length;
    const renders = fake.requestsFor('images.generate').length;
    expect(renders).toBe(rounds);

    const o = await scrape(orchestration);
    const g = await scrape(gpu);
    expect(metricSum(g, 'image_agent_renders_total', { model: IMAGE_MODEL, outcome: 'ok' })).toBe(renders);
    expect(metricSum(g, 'image_agent_renders_total', { outcome: 'failed' })).toBe(0);
    expect(metricSum(o, 'image_agent_runs_total', { outcome: 'completed', tenant: tenantId })).toBe(1);
    expect(metricSum(o, 'image_agent_grounding_calls_total', { source: 'reason', outcome: 'ok' })).toBe(1);
    expect(metricSum(o, 'image_agent_grounding_calls_total', { source: 'web_search' })).toBe(0);
    expect(metricSum(o, 'image_agent_rounds_per_run_count')).toBe(1);
    expect(metricSum(o, 'image_agent_rounds_per_run_sum')).toBe(rounds);
    const judged = result.images[0]!.candidates.reduce((n, c) => n + (c.critique?.total ?? 0), 0);
    expect(metricSum(o, 'image_agent_checklist_verdicts_total')).toBe(judged);
    expect(metricSum(o, 'image_agent_checklist_verdicts_total', { verdict: 'pass' })).toBe(
      result.images[0]!.candidates.reduce((n, c) => n + (c.critique?.passed ?? 0), 0),
    );
    expect(metricSum(o, 'image_agent_model_tokens_total', { tenant: tenantId, direction: 'input' })).toBe(result.usage.inputTokens);
    expect(metricSum(o, 'image_agent_model_tokens_total', { tenant: tenantId, direction: 'output' })).toBe(result.usage.outputTokens);
    expect(metricSum(o, 'image_agent_model_cost_total', { tenant: tenantId, model: IMAGE_MODEL })).toBeCloseTo(0.04 * renders, 9);
    expect(metricSum(o, 'image_agent_activity_executions_total', { activity: 'writeReport', outcome: 'completed' })).toBe(1);
    // The Temporal SDK's own metrics come through the same endpoint.
    expect(metricSum(o, 'temporal_workflow_completed_total')).toBeGreaterThanOrEqual(1);
    expect(g).toMatch(/^temporal_activity_schedule_to_start_latency_seconds_bucket\{/m);
    // Eager starts (IMAGE_AGENT_EAGER_ACTIVITY_SLOTS, the server's system.enableActivityEagerExecution): every
    // activity the run scheduled on its own queue started in the answer to the workflow task that scheduled it.
    const received = metricSum(o, 'temporal_activity_task_received_total');
    expect(received).toBeGreaterThanOrEqual(4);
    expect(metricSum(o, 'temporal_activity_task_received_total', { eager: 'true' })).toBe(received);
    // Structured logs: JSON lines, no prompt text.
    const lines = orchestration
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'));
    expect(lines.length).toBeGreaterThan(0);
    for (const l of lines) expect(() => JSON.parse(l)).not.toThrow();
    expect(orchestration.output()).not.toContain('3*3-2 apples');
  });

  test('a review reminder counts on /metrics as the workflow emits it (the SDK meter, no activity)', async () => {
    const orchestrations = processes.filter((p) => p.entry === 'orchestrationWorker');
    const reminders = async () =>
      (await Promise.all(orchestrations.map(scrape))).reduce(
        (n, text) => n + metricSum(text, 'image_agent_review_events_total', { event: 'review_reminder' }),
        0,
      );
    const before = await reminders();
    const handle = await env.client.workflow.start(generateImage, {
      taskQueue: env.taskQueue,
      workflowId: `remind-${randomUUID()}`,
      args: [
        {
          request: 'a red kite',
          tenantId,
          userId: 'u1',
          options: { size: '256x256', maxRounds: 1 },
          review: { required: true, timeout: '4 seconds', onTimeout: 'expire' },
        },
      ],
    });
    expect(((await handle.result()) as GenerateImageResult).outcome).toBe('expired');
    expect((await reminders()) - before).toBe(1);
  });

  test('SIGTERM mid-render: readiness fails, the render finishes, exit 0, the run completes with one render', async () => {
    const [orchestration, first] = processes;
    expect(orchestration).toBeDefined();
    fake.reset();
    scriptAgentDefaults(fake);
    fake.script({ route: 'images.generate', latencyMs: 5000, times: 1 });
    const before = fake.requestsFor('images.generate').length;
    const handle = await generate(`drain-${randomUUID()}`, 'a lighthouse at dawn');
    await eventually(async () => expect(fake.requestsFor('images.generate').length).toBe(before + 1), 60_000, 100);

    first!.child.kill('SIGTERM');
    await eventually(async () => expect((await fetch(`http://127.0.0.1:${first!.opsPort}/readyz`)).status).toBe(503), 5_000, 50);
    // Another GPU worker takes the queue: a render cut by the shutdown would be retried here, a second render.
    await startWorker('gpuWorker');
    expect(await queueHasPoller(env.config, `${env.taskQueue}-gpu`, 'activity')).toBe(true);

    const exit = await first!.exited;
    expect(exit).toEqual({ code: 0, signal: null });
    expect(first!.output()).toContain('drained and stopped');
    const result = (await handle.result()) as GenerateImageResult;
    expect(result.outcome).toBe('completed');
    expect(result.images[0]!.candidates).toHaveLength(1);
    expect(fake.requestsFor('images.generate')).toHaveLength(before + 1);
    // The render that was in flight at SIGTERM is the one delivered (it was stored before the process left).
    expect(await env.store.exists(result.final!.image.key)).toBe(true);
  });

  test('a worker started without its memory budget says so in its log, naming the flags', () => {
    // These were started as `node dist/workers/….js`, without workers/workerMemory.ts's flags.
    const log = processes.find((p) => p.entry === 'orchestrationWorker')!.output();
    expect(log).toContain('not the 512 MB budget (IMAGE_AGENT_WORKER_HEAP_MB)');
    expect(log).toContain('--max-old-space-size=512 --min-semi-space-size=16 --max-semi-space-size=16');
  });
});
