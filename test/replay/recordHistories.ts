/**
 * `npm run record:histories [-- --name <folder>]`: runs every workflow shape that matters on the local
 * stack (started if needed), captures each history with the real `temporal workflow show -o json`, and
 * writes them as a new recording folder under test/replay/histories/. Runs waiting for a reviewer and a
 * batch mid-way are captured while they wait, then finished, so nothing is left open.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import type { WorkflowHandle } from '@temporalio/client';
import { loadConfig } from '../../config/loadConfig';

// Recordings are committed and replayed on fresh clones, which do not have this machine's generated dev
// keyring: record plaintext payloads (the codec passes them through on replay). Set the variable to record
// encrypted histories against a keyring CI has.
process.env.IMAGE_AGENT_ENCRYPTION ??= 'off';
import { projectRoot } from '../../common/paths';
import type { ReviewPolicy } from '../../common/review';
import { startBatch } from '../../client/batches';
import { resumeBudgetGates } from '../../client/budgetGates';
import { tenantPolicies } from '../../client/tenantPolicies';
import { Stage } from '../../common/searchAttributes';
import { BUDGET_PAUSED_STAGE } from '../../workflows/budgetGateMessages';
import { askAgent, reviewGeneration, reviewPlan, startGeneration } from '../../client/generations';
import { submitTurn, turnResult, type Conversation } from '../../client/sessionClient';
import { stackUp } from '../../infra/stack';
import { resolveTool } from '../../infra/toolchain';
import { writeWorkflowBundle } from '../../workers/workflowBundle';
import { batchProgressQuery, batchWorkflowId } from '../../workflows/batch/batchMessages';
import { reviewSignal, statusQuery } from '../../workflows/generate/generationMessages';
import { generateImage } from '../../workflows/generate/generateImage';
import { startOptions } from '../../client/startOptions';
import { foreignPayloadValue } from '../../common/foreignPayload';
import type { GenerateImageInput } from '../../common/request';
import type { ReviewDecision } from '../../common/review';
import { reviewSigner } from '../../security/reviewSigner';
import { sessionWorkflowId } from '../../common/sessionId';
import { scriptAgentDefaults } from '../fakeOpenAI/agentDefaults';
import { FakeOpenAIServer } from '../fakeOpenAI/fakeOpenAIServer';
import { runCommand } from '../support/cli';
import { eventually } from '../support/eventually';
import { TEST_BUNDLE } from '../support/paths';
import { startTestEnv, type TestEnv } from '../support/testEnv';
import { HISTORIES_DIR, writeRecordedHistory } from './recordedHistory';

interface Capture {
  scenario: string;
  description: string;
  workflowId: string;
  runId?: string;
}

type Scenario = (env: TestEnv, capture: (c: Capture) => Promise<void>) => Promise<void>;

const tenantId = 'replay';

/** Decisions go through the client's review path, which signs them as the API does. */
const gen = (env: TestEnv) => ({ client: env.client, config: env.config, store: env.store });

async function startRun(env: TestEnv, request: string, extra: { review?: ReviewPolicy; size?: string; tenantId?: string } = {}): Promise<WorkflowHandle> {
  const { workflowId } = await startGeneration(
    { client: env.client, config: env.config, store: env.store },
    {
      request,
      tenantId: extra.tenantId ?? tenantId,
      userId: 'recorder',
      options: { size: extra.size ?? '256x256' },
      review: extra.review ?? { required: false, planApproval: false, onTimeout: 'expire' },
    },
    `replay-${randomUUID()}`,
  );
  return env.client.workflow.getHandle(workflowId);
}

async function pendingReview(handle: WorkflowHandle, kind: 'plan' | 'result'): Promise<string> {
  return eventually(async () => {
    const s = await handle.query(statusQuery);
    if (s.pendingReview?.kind !== kind) throw new Error(`not yet waiting for ${kind} review (stage ${s.stage})`);
    return s.pendingReview.candidateKey ?? '';
  }, 60_000);
}

/** A result decision through the client's review path, signed for the recorder as the API signs for a principal. */
const decide = (env: TestEnv, workflowId: string, d: ReviewDecision) => reviewGeneration(gen(env), workflowId, d, randomUUID(), tenantId, 'recorder');

/** Offline providers: what `make demo` runs. */
const offlineScenarios: Scenario[] = [
  async (env, capture) => {
    const handle = await startRun(env, 'a weather forecast card for Hangzhou on 2026-07-15');
    await handle.result();
    await capture({ scenario: 'generate-offline-completed', description: 'an offline single-image run, completed', workflowId: handle.workflowId });
  },
  async (env, capture) => {
    const handle = await startRun(env, 'a poster for a jazz night', { review: { required: true, planApproval: true, onTimeout: 'expire' } });
    await pendingReview(handle, 'plan');
    await capture({ scenario: 'generate-waiting-plan-review', description: 'a run waiting for plan review (open)', workflowId: handle.workflowId });
    await reviewPlan(gen(env), handle.workflowId, { decision: 'approve' }, randomUUID(), tenantId, 'recorder');
    await decide(env, handle.workflowId, { decision: 'approve', candidateKey: await pendingReview(handle, 'result') });
    await handle.result();
    await capture({
      scenario: 'generate-plan-and-result-approved',
      description: 'plan approved, then the result approved, completed',
      workflowId: handle.workflowId,
    });
  },
  async (env, capture) => {
    const handle = await startRun(env, 'a lighthouse poster', { review: { required: true, onTimeout: 'expire' } });
    const first = await pendingReview(handle, 'result');
    await capture({ scenario: 'generate-waiting-result-review', description: 'a run waiting for result review (open)', workflowId: handle.workflowId });
    await decide(env, handle.workflowId, { decision: 'reject', candidateKey: first, feedback: 'a stormy purple sky' });
    const second = await pendingReview(handle, 'result');
    await decide(env, handle.workflowId, { decision: 'reject', candidateKey: second, feedback: 'add a small boat' });
    const third = await pendingReview(handle, 'result');
    await decide(env, handle.workflowId, { decision: 'approve', candidateKey: third });
    await handle.result();
    await capture({
      scenario: 'generate-rejected-twice-then-approved',
      description: 'rejected twice with feedback, then approved',
      workflowId: handle.workflowId,
    });
  },
  async (env, capture) => {
    const handle = await startRun(env, 'a kite festival poster', { review: { required: true, onTimeout: 'expire' } });
    const first = await pendingReview(handle, 'result');
    const edit = {
      decision: 'edit' as const,
      candidateKey: first,
      prompt: 'a kite festival poster, flat colours, red kites',
      checklist: ['The kites are red'],
    };
    await decide(env, handle.workflowId, edit);
    const second = await eventually(async () => {
      const key = await pendingReview(handle, 'result');
      if (key === first) throw new Error('the edit is not rendered yet');
      return key;
    }, 60_000);
    await capture({
      scenario: 'generate-edited-waiting',
      description: 'an edit rendered and judged once, waiting for review again (open)',
      workflowId: handle.workflowId,
    });
    await decide(env, handle.workflowId, { decision: 'approve', candidateKey: second });
    await handle.result();
    await capture({ scenario: 'generate-edited-then-approved', description: "the reviewer's edit rendered, then approved", workflowId: handle.workflowId });
  },
  async (env, capture) => {
    // Reminded at half its deadline, then escalated to the second group (the recorder), which approves.
    const review: ReviewPolicy = { required: true, onTimeout: 'expire', timeout: '3 seconds', escalation: { reviewers: ['recorder'], timeout: '1 hour' } };
    const handle = await startRun(env, 'a ferry timetable card', { review });
    await eventually(async () => {
      if (!(await handle.query(statusQuery)).pendingReview?.escalatedTo) throw new Error('not escalated yet');
    }, 60_000);
    await capture({
      scenario: 'generate-reminded-escalated-waiting',
      description: 'reminded halfway to its deadline, then escalated to a second group, waiting (open)',
      workflowId: handle.workflowId,
    });
    await decide(env, handle.workflowId, { decision: 'approve', candidateKey: await pendingReview(handle, 'result') });
    await handle.result();
    await capture({ scenario: 'generate-escalated-then-approved', description: 'escalated, then approved by the second group', workflowId: handle.workflowId });
  },
  async (env, capture) => {
    const handle = await startRun(env, 'a river map card', { review: { required: true, onTimeout: 'expire' } });
    const first = await pendingReview(handle, 'result');
    await decide(env, handle.workflowId, { decision: 'reject', candidateKey: first, feedback: 'thicker river' });
    const second = await eventually(async () => {
      const key = await pendingReview(handle, 'result');
      if (key === first) throw new Error('the second round is not rendered yet');
      return key;
    }, 60_000);
    await decide(env, handle.workflowId, { decision: 'approve', candidateKey: second, chosenKey: first });
    await handle.result();
    await capture({
      scenario: 'generate-earlier-candidate-approved',
      description: 'rejected once, then the first candidate approved instead',
      workflowId: handle.workflowId,
    });
  },
  async (env, capture) => {
    const handle = await startRun(env, 'a tide table card', { review: { required: true, onTimeout: 'expire' } });
    const candidateKey = await pendingReview(handle, 'result');
    await askAgent(gen(env), handle.workflowId, { question: 'Which colours did you choose, and why?' }, randomUUID(), tenantId, 'recorder');
    await capture({
      scenario: 'generate-question-answered-waiting',
      description: "a reviewer's question answered from the run's context, still waiting for its decision (open)",
      workflowId: handle.workflowId,
    });
    await decide(env, handle.workflowId, { decision: 'approve', candidateKey });
    await handle.result();
    await capture({ scenario: 'generate-question-then-approved', description: 'asked about, then approved', workflowId: handle.workflowId });
  },
  async (env, capture) => {
    const handle = await startRun(env, 'a tram map card', { review: { required: true, onTimeout: 'expire', timeout: '2 seconds', remindAt: 0.25 } });
    await handle.result();
    await capture({ scenario: 'generate-reminded-expired', description: 'reminded at a quarter of its deadline, then expired', workflowId: handle.workflowId });
  },
  async (env, capture) => {
    // A four-eyes tenant's run started past the client, asking to skip review: the run requires it anyway
    // (patched), ignores a message another tenant encrypted (the marker its worker hands it) and an unsigned one.
    const request = 'a tide chart card for the harbour';
    const input: GenerateImageInput = {
      request,
      tenantId,
      userId: 'recorder',
      options: { size: '256x256' },
      review: { required: false, onTimeout: 'approve_best', timeout: '1 second' },
      reviewAuth: reviewSigner(env.config).reviewAuth('operator-requester', { fourEyes: true, minTimeout: '1 hour' }),
    };
    const workflowId = `replay-${randomUUID()}`;
    const handle = await env.client.workflow.start(generateImage, { ...startOptions(env.config, input, workflowId), args: [input] });
    const candidateKey = await pendingReview(handle, 'result');
    await handle.signal(reviewSignal, foreignPayloadValue as unknown as ReviewDecision);
    await handle.signal(reviewSignal, { decision: 'approve', candidateKey, reviewer: 'ceo' });
    await eventually(async () => {
      const events = (await handle.fetchHistory()).events ?? [];
      const lastSignal = events.findLastIndex((e) => e.workflowExecutionSignaledEventAttributes);
      if (lastSignal < 0 || !events.slice(lastSignal).some((e) => e.workflowTaskCompletedEventAttributes)) throw new Error('signals not handled yet');
    }, 30_000);
    await capture({
      scenario: 'generate-four-eyes-waiting',
      description: "a four-eyes tenant's run that asked to skip review, waiting for review after two refused signals (open)",
      workflowId,
    });
    await decide(env, workflowId, { decision: 'approve', candidateKey });
    await handle.result();
    await capture({
      scenario: 'generate-four-eyes-approved',
      description: "a four-eyes tenant's run approved by a second reviewer (signed, version 2)",
      workflowId,
    });
  },
  async (env, capture) => {
    const handle = await startRun(env, 'a 3-slide deck on renewable energy with a shared style');
    await handle.result();
    await capture({ scenario: 'generate-multi-image', description: 'a three-image set: the parent run', workflowId: handle.workflowId });
    const children = (await handle.fetchHistory()).events?.flatMap((e) => e.startChildWorkflowExecutionInitiatedEventAttributes?.workflowId ?? []) ?? [];
    if (children.length === 0) throw new Error('the multi-image run started no generateImagePart children');
    await capture({ scenario: 'generate-image-part', description: 'one image of a set (generateImagePart child)', workflowId: children.at(-1)! });
  },
  async (env, capture) => {
    const conversation: Conversation = { tenantId, userId: 'recorder', sessionId: randomUUID().slice(0, 8), options: { size: '256x256' }, maxTurnsPerRun: 2 };
    for (const request of ['a paper boat logo', 'a lighthouse at dusk', 'the boat logo from before on a sail']) {
      await turnResult(env.client, await submitTurn(env.client, env.config, conversation, { request }));
    }
    const workflowId = sessionWorkflowId(env.config.ids.key, conversation.tenantId, conversation.userId, conversation.sessionId);
    if (!(await firstRunContinued(env, workflowId))) throw new Error('the session did not continue as new');
    await capture({
      scenario: 'session-first-run-continued-as-new',
      description: "a session's first run, which continued as new after 2 turns",
      workflowId,
      runId: await firstExecution(env, workflowId),
    });
    await capture({ scenario: 'session-after-continue-as-new', description: 'a session after continue-as-new, waiting for turns (open)', workflowId });
  },
  async (env, capture) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'replay-batch-'));
    const jsonl = path.join(dir, 'ten.jsonl');
    fs.writeFileSync(
      jsonl,
      Array.from({ length: 10 }, (_, i) => JSON.stringify({ id: `item-${i}`, request: `product shot number ${i}`, size: '128x128' })).join('\n'),
    );
    const batchId = `replay-${randomUUID().slice(0, 8)}`;
    await startBatch({ client: env.client, config: env.config, store: env.store }, [jsonl], { batchId, tenantId, system: 'replay recording', concurrency: 3 });
    const handle = env.client.workflow.getHandle(batchWorkflowId(batchId));
    await eventually(
      async () => {
        if ((await handle.query(batchProgressQuery)).done < 3) throw new Error('fewer than 3 cases done');
      },
      120_000,
      100,
    );
    await capture({ scenario: 'batch-midway', description: 'a batch of 10 (concurrency 3) with 3 or more cases done (open)', workflowId: handle.workflowId });
    await handle.result();
    const children = (await handle.fetchHistory()).events?.flatMap((e) => e.startChildWorkflowExecutionInitiatedEventAttributes?.workflowId ?? []) ?? [];
    await capture({ scenario: 'batch-case', description: 'one case of a batch (batchCase child)', workflowId: children[0]! });
    await capture({ scenario: 'batch-completed', description: 'a batch of 10 (concurrency 3), completed', workflowId: handle.workflowId });
    fs.rmSync(dir, { recursive: true, force: true });
  },
];

/** An OpenAI-compatible endpoint (the fake server): a critique that fails once gives two rounds. */
const endpointScenarios: Scenario[] = [
  async (env, capture) => {
    const handle = await startRun(env, 'a red bicycle leaning on a blue door');
    await handle.result();
    await capture({
      scenario: 'generate-endpoint-two-rounds',
      description: 'against an OpenAI-compatible endpoint: round 1 fails the critique, round 2 passes',
      workflowId: handle.workflowId,
    });
  },
];

// Its own tenant each recording: a daily budget counts every run of the day, a recording made earlier that day's too.
const spendTenant = `replay-spend-${randomUUID().slice(0, 8)}`;

/**
 * Priced calls and a fallback chain: the primary endpoint answers 500 to everything, so every call goes to the
 * backup link; a tenant budget under `pause` holds a run at its budget gate until the budget is raised.
 */
const spendScenarios: Scenario[] = [
  async (env, capture) => {
    const handle = await startRun(env, 'a launch poster for a desk lamp');
    await handle.result();
    await capture({
      scenario: 'generate-fallback-completed',
      description: 'every call and render through the backup link of a fallback chain',
      workflowId: handle.workflowId,
    });
  },
  async (env, capture) => {
    await tenantPolicies(env.config).change(spendTenant, { budgets: { dailyUsd: 0.04, onExceeded: 'pause' } }, 'recorder');
    await (await startRun(env, 'a product shot of a teapot', { tenantId: spendTenant })).result();
    const handle = await startRun(env, 'a product shot of a kettle', { tenantId: spendTenant });
    await eventually(async () => {
      if ((await handle.describe()).typedSearchAttributes.get(Stage) !== BUDGET_PAUSED_STAGE) throw new Error('not paused at the budget gate yet');
    }, 60_000);
    await capture({
      scenario: 'generate-budget-gate-waiting',
      description: "a run paused at its budget gate: the tenant's daily budget is spent (open)",
      workflowId: handle.workflowId,
    });
    await tenantPolicies(env.config).change(spendTenant, { budgets: { dailyUsd: 0.08 } }, 'recorder');
    const { resumed } = await resumeBudgetGates(env.client, spendTenant, 'recorder');
    if (resumed.length !== 1) throw new Error(`resumed ${resumed.length} paused runs, expected 1`);
    await handle.result();
    await capture({
      scenario: 'generate-budget-gate-resumed',
      description: 'a run resumed from its budget gate after the budget was raised, completed',
      workflowId: handle.workflowId,
    });
  },
];

async function firstExecution(env: TestEnv, workflowId: string): Promise<string> {
  const all: { runId: string; startTime: Date }[] = [];
  for await (const w of env.client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) all.push({ runId: w.runId, startTime: w.startTime });
  all.sort((a, b) => a.startTime.getTime() - b.startTime.getTime());
  return all[0]!.runId;
}

async function firstRunContinued(env: TestEnv, workflowId: string): Promise<boolean> {
  const runId = await firstExecution(env, workflowId);
  const events = (await env.client.workflow.getHandle(workflowId, runId).fetchHistory()).events ?? [];
  return events.some((e) => e.workflowExecutionContinuedAsNewEventAttributes);
}

function currentCommit(): string {
  try {
    const sha = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: projectRoot, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'workflows', 'common'], { cwd: projectRoot, encoding: 'utf8' }).trim() !== '';
    return dirty ? `${sha}+uncommitted-workflow-changes` : sha;
  } catch {
    return 'unknown';
  }
}

async function main(): Promise<void> {
  const opts = new Command().option('--name <folder>', 'recording folder name', new Date().toISOString().slice(0, 10)).parse().opts<{ name: string }>();
  const recordingDir = path.join(HISTORIES_DIR, opts.name);
  if (fs.existsSync(recordingDir)) throw new Error(`${path.relative(projectRoot, recordingDir)} exists: recordings are append-only; pass --name <new folder>`);
  const config = loadConfig();
  await stackUp(config, { workers: false, log: (line) => console.log(`  ${line}`) });
  await writeWorkflowBundle(TEST_BUNDLE);
  const temporal = resolveTool('temporal', config.stack.dir);
  const commit = currentCommit();
  const written: string[] = [];

  const captureWith = (env: TestEnv) => async (c: Capture) => {
    const handle = env.client.workflow.getHandle(c.workflowId, c.runId);
    const described = await handle.describe();
    const args = [
      'workflow',
      'show',
      '--address',
      config.temporal.connection.address!,
      '--namespace',
      config.temporal.namespace,
      '--workflow-id',
      c.workflowId,
      '--run-id',
      described.runId,
      '-o',
      'json',
    ];
    const shown = await runCommand(temporal, args);
    if (shown.code !== 0) throw new Error(`temporal workflow show ${c.workflowId}: ${shown.stderr.trim()}`);
    const file = writeRecordedHistory(recordingDir, {
      scenario: c.scenario,
      description: c.description,
      workflowType: described.type,
      workflowId: c.workflowId,
      runId: described.runId,
      recordedAt: new Date().toISOString(),
      commit,
      payloadEncoding: 'json/plain',
      history: JSON.parse(shown.stdout) as { events: unknown[] },
    });
    written.push(file);
    console.log(`recorded ${c.scenario}: ${described.type}, ${described.historyLength} events`);
  };

  const offline = await startTestEnv({ name: 'record-offline' });
  try {
    for (const scenario of offlineScenarios) await scenario(offline, captureWith(offline));
  } finally {
    await offline.stop();
  }

  const fake = await new FakeOpenAIServer().start();
  scriptAgentDefaults(fake);
  fake.script({ route: 'chat', schema: 'critique', times: 1, reply: { json: { results: [{ item: 1, pass: false, reason: 'the door is green' }] } } });
  const endpoint = await startTestEnv({ name: 'record-endpoint', fake });
  try {
    for (const scenario of endpointScenarios) await scenario(endpoint, captureWith(endpoint));
  } finally {
    await endpoint.stop();
    await fake.stop();
  }
  const primary = await new FakeOpenAIServer().start();
  const backup = await new FakeOpenAIServer().start();
  primary.script(...(['chat', 'images.generate', 'images.edit'] as const).map((route) => ({ route, fault: { status: 500 } })));
  scriptAgentDefaults(backup);
  const spend = await startTestEnv({
    name: 'record-spend',
    fake: primary,
    env: {
      IMAGE_AGENT_FALLBACKS: 'openai:backup',
      OPENAI_BASE_URL_BACKUP: backup.baseURL,
      OPENAI_API_KEY_BACKUP: 'sk-backup-recording',
      IMAGE_AGENT_PRICES: JSON.stringify({ 'gpt-image-1': { perImage: 0.04 } }),
      IMAGE_AGENT_TENANT_POLICY_CACHE_SECONDS: '0',
    },
  });
  try {
    for (const scenario of spendScenarios) await scenario(spend, captureWith(spend));
  } finally {
    await spend.stop();
    await backup.stop();
    await primary.stop();
  }
  console.log(`${written.length} histories in ${path.relative(projectRoot, recordingDir)}`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`record:histories failed: ${(err as Error).stack ?? String(err)}`);
    process.exit(1);
  },
);
