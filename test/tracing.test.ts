/**
 * Traces: one run's spans, received in-process by an in-memory exporter, form one tree
 * client start → workflow run → activity start → activity run → model HTTP call, each with the workflow id.
 * A run started without a trace context runs without OpenTelemetry's workflow interceptors and says so with a
 * patch marker. And the workflow interceptors in the bundle keep histories replayable: a history recorded by a
 * bundle without them replays with the production bundle that has them.
 */
import { createEncryption } from '../security/dataConverter';
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { bundleWorkflowCode, DefaultLogger, Worker } from '@temporalio/worker';
import { projectRoot } from '../common/paths';
import type { GenerateImageResult } from '../common/runResult';
import { installTracing, tracingSinks, type Tracing } from '../telemetry/tracing';
import { UNTRACED_INTERCEPTOR_MODULES, writeWorkflowBundle } from '../workers/workflowBundle';
import { TRACE_HEADER } from '@temporalio/interceptors-opentelemetry/lib/instrumentation';
import { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { clientFor } from '../client/temporalClient';
import { UNTRACED_RUNS_WITHOUT_OTEL } from '../workflows/patches';
import { FAILURE_CONVERTER_PATH } from '../security/dataConverter';
import { scriptAgentDefaults } from './fakeOpenAI/agentDefaults';
import { FakeOpenAIServer } from './fakeOpenAI/fakeOpenAIServer';
import { startTestEnv, type TestEnv } from './support/testEnv';
import { generateImage } from '../workflows/generate/generateImage';

const exporter = new InMemorySpanExporter();

describe('OpenTelemetry traces', () => {
  let fake: FakeOpenAIServer;
  let env: TestEnv;
  let tracing: Tracing;

  beforeAll(async () => {
    tracing = installTracing('image-agent-test', { spanProcessor: new SimpleSpanProcessor(exporter) })!;
    fake = scriptAgentDefaults(await new FakeOpenAIServer().start());
    env = await startTestEnv({ name: 'tracing', fake, telemetry: { tracing } });
  });
  afterAll(async () => {
    await env?.stop();
    await fake?.stop();
    await tracing?.shutdown();
  });

  test('client → workflow → activity → model HTTP call is one tree, with the workflow id on every Temporal span', async () => {
    const workflowId = `trace-${randomUUID()}`;
    const result = await env.client.workflow.execute(generateImage, {
      taskQueue: env.taskQueue,
      workflowId,
      args: [{ request: 'a lighthouse at dawn', tenantId: 'trace-tenant', userId: 'u1', options: { size: '256x256', maxRounds: 1 } }],
    });
    expect((result as GenerateImageResult).outcome).toBe('completed');

    const spans = exporter.getFinishedSpans();
    if (process.env.DEBUG_SPANS)
      console.log(spans.map((s) => `${s.name} ${s.spanContext().spanId} <- ${s.parentSpanId} ${JSON.stringify(s.attributes)}`).join('\n'));
    const byId = new Map(spans.map((s) => [s.spanContext().spanId, s]));
    const parentOf = (s: ReadableSpan) => (s.parentSpanId ? byId.get(s.parentSpanId) : undefined);
    // Client and activity spans name it temporalWorkflowId; spans made inside the workflow carry its info (workflowId).
    const idOf = (s: ReadableSpan) => s.attributes.temporalWorkflowId ?? s.attributes.workflowId;
    const named = (prefix: string) => spans.filter((s) => s.name.startsWith(prefix) && idOf(s) === workflowId);

    const start = named('StartWorkflow:generateImage');
    expect(start).toHaveLength(1);
    const run = named('RunWorkflow:generateImage');
    expect(run).toHaveLength(1);
    expect(parentOf(run[0]!)).toBe(start[0]);

    const runActivity = named('RunActivity:planContext');
    expect(runActivity).toHaveLength(1);
    const startActivity = parentOf(runActivity[0]!)!;
    expect(startActivity.name).toBe('StartActivity:planContext');
    expect(parentOf(startActivity)).toBe(run[0]);

    // The planner's HTTP call to the (fake) model, under the activity that made it.
    const httpSpans = spans.filter((s) => s.name.startsWith('model HTTP POST') && parentOf(s) === runActivity[0]);
    expect(httpSpans).toHaveLength(1);
    expect(httpSpans[0]!.attributes).toMatchObject({ 'url.path': '/v1/chat/completions', 'http.response.status_code': 200, temporalWorkflowId: workflowId });

    // The render on the GPU queue is in the same trace, and no span carries the prompt text.
    const render = named('RunActivity:renderImage');
    expect(render.length).toBeGreaterThanOrEqual(1);
    const traceIds = new Set([start[0]!, run[0]!, ...render].map((s) => s.spanContext().traceId));
    expect(traceIds.size).toBe(1);
    expect(JSON.stringify(spans.map((s) => s.attributes))).not.toContain('lighthouse');
    // Every span of this run's trace names the run.
    const traceId = run[0]!.spanContext().traceId;
    const inTrace = spans.filter((s) => s.spanContext().traceId === traceId);
    expect(inTrace.length).toBeGreaterThanOrEqual(15);
    expect(inTrace.filter((s) => idOf(s) !== workflowId).map((s) => s.name)).toEqual([]);
  });

  test('a run started without a trace context makes no workflow spans and records the patch that says so', async () => {
    // The API's and the CLI's client when no tracer is installed: OpenTelemetry's header is there, but empty.
    const untracedClient = clientFor(env.config, env.client.connection, { tracing: false });
    const emptyHeaderClient = new Client({
      connection: env.client.connection,
      dataConverter: env.client.options.dataConverter,
      interceptors: {
        workflow: [{ start: (input, next) => next({ ...input, headers: { ...input.headers, [TRACE_HEADER]: defaultPayloadConverter.toPayload({}) } }) }],
      },
    });
    for (const client of [untracedClient, emptyHeaderClient]) {
      const workflowId = `untraced-${randomUUID()}`;
      const result = await client.workflow.execute(generateImage, {
        taskQueue: env.taskQueue,
        workflowId,
        args: [{ request: 'a lighthouse at dusk', tenantId: 'trace-tenant', userId: 'u3', options: { size: '256x256', maxRounds: 1 } }],
      });
      expect((result as GenerateImageResult).outcome).toBe('completed');
      const spans = exporter.getFinishedSpans().filter((s) => s.attributes.workflowId === workflowId);
      expect(spans.map((s) => s.name)).toEqual([]);
      const history = await client.workflow.getHandle(workflowId).fetchHistory();
      const markers = (history.events ?? []).filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_patch');
      const patchIds = markers.map((e) => defaultPayloadConverter.fromPayload(e.markerRecordedEventAttributes!.details!['patch-data']!.payloads![0]!));
      expect(patchIds).toContainEqual(expect.objectContaining({ id: UNTRACED_RUNS_WITHOUT_OTEL }));
    }
    // Its activities are still traced by the workers (the activity interceptor), with no workflow span above them.
    expect(
      exporter.getFinishedSpans().some((s) => s.name === 'RunActivity:planContext' && String(s.attributes.temporalWorkflowId).startsWith('untraced-')),
    ).toBe(true);
  });

  test('a history recorded without the tracing interceptors replays with the bundle that has them', async () => {
    const plainBundle = path.join(projectRoot, '.stack', 'test', 'workflow-bundle-no-interceptors.js');
    // Everything the real bundle has but the tracing interceptors (the tenant header is needed to run at all).
    const { code } = await bundleWorkflowCode({
      workflowsPath: path.join(projectRoot, 'workflows'),
      workflowInterceptorModules: UNTRACED_INTERCEPTOR_MODULES,
      failureConverterPath: FAILURE_CONVERTER_PATH,
      logger: new DefaultLogger('WARN'),
    });
    fs.writeFileSync(plainBundle, code);
    const tracedBundle = path.join(projectRoot, '.stack', 'test', 'workflow-bundle-traced.js');
    await writeWorkflowBundle(tracedBundle);
    expect(fs.readFileSync(tracedBundle, 'utf8')).toContain('OpenTelemetryInboundInterceptor');
    expect(code).not.toContain('OpenTelemetryInboundInterceptor');

    const plain = await startTestEnv({ name: 'replay-plain', fake, workflowBundlePath: plainBundle });
    try {
      const workflowId = `replay-${randomUUID()}`;
      await plain.client.workflow.execute(generateImage, {
        taskQueue: plain.taskQueue,
        workflowId,
        args: [{ request: 'a 2-slide deck about tides', tenantId: 'trace-tenant', userId: 'u2', options: { size: '256x256', maxRounds: 2 } }],
      });
      const history = await plain.client.workflow.getHandle(workflowId).fetchHistory();
      // Throws DeterminismViolationError if the interceptors changed the commands.
      // Through the workers' data converter: the history is encrypted.
      const { dataConverter, close } = createEncryption(plain.config);
      await Worker.runReplayHistory({ workflowBundle: { codePath: tracedBundle }, sinks: tracingSinks(tracing), dataConverter }, history, workflowId).finally(
        close,
      );
    } finally {
      await plain.stop();
    }
  });
});
