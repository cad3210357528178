/**
 * Benchmark fidelity end to end against the fake model server: a small WISE-Verified suite judged with the
 * benchmark's own prompt template (--judge-prompt), with judge errors, refusals, unparseable answers and
 * answers that need a second ask injected; and two batches of one memory suite in one tenant, which must not
 * share memory.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BatchResult } from '../common/batch';
import { startBatch } from '../client/batches';
import { caseResultKey, reportKey } from '../common/objectKeys';
import type { GenerateImageResult, RunReport } from '../common/runResult';
import { batchWorkflowId } from '../workflows/batch/batchMessages';
import { scriptAgentDefaults } from './fakeOpenAI/agentDefaults';
import { FakeOpenAIServer, textOf, type RecordedRequest } from './fakeOpenAI/fakeOpenAIServer';
import { runCli } from './support/cli';
import { startTestEnv, type TestEnv } from './support/testEnv';
import { generateImage } from '../workflows/generate/generateImage';

const TEMPLATE =
  'OFFICIAL-TEMPLATE\nPrompt: {prompt}\nExplanation: {explanation}\nA collapsed or unusable image scores 0. Literal braces: {{x}}.\nEnd with Score: 0 or Score: 1.';

describe('benchmark fidelity', () => {
  let fake: FakeOpenAIServer;
  let env: TestEnv;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-fidelity-'));

  beforeAll(async () => {
    fake = await new FakeOpenAIServer().start();
    scriptAgentDefaults(fake);
    env = await startTestEnv({ name: 'bench-fidelity', fake });
  });
  afterAll(async () => {
    await env?.stop();
    await fake?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  let firstRun: { report: string; scores: string; record: { rerun: unknown; judge: { prompt: unknown }; suite: unknown } } | undefined;
  const isJudge = (marker: string) => (req: RecordedRequest) =>
    !req.body.response_format && textOf(req).includes('OFFICIAL-TEMPLATE') && textOf(req).includes(marker);

  test('WISE-Verified with the official template: every id in scores.jsonl, reasons in unjudged.jsonl, judge asked again', async () => {
    const ids = [1, 401, 521, 641, 761, 881];
    const suite = path.join(dir, 'wise.json');
    fs.writeFileSync(
      suite,
      JSON.stringify(
        ids.map((id) => ({ prompt_id: id, Prompt: `PROMPT-${id} a lantern`, Explanation: `EXPLANATION-${id}`, Category: 'x', Subcategory: 'y' })),
        null,
        1,
      ),
    );
    const templateFile = path.join(dir, 'wise-judge.txt');
    fs.writeFileSync(templateFile, TEMPLATE);
    fake.script(
      { route: 'chat', when: isJudge('PROMPT-1 '), reply: { content: '**Score:** 1' } }, // unparseable under the official rule, 3 times
      { route: 'chat', when: isJudge('PROMPT-401 '), fault: { status: 400, error: { message: 'judge rejected the request', type: 'invalid_request_error' } } },
      { route: 'chat', when: isJudge('PROMPT-521 '), reply: { refusal: 'I cannot assess this image.' } },
      { route: 'chat', when: isJudge('PROMPT-641 '), reply: { content: '<think>Score: 0 at first sight</think>\nScore 1' } },
      { route: 'chat', when: isJudge('PROMPT-761 '), times: 1, reply: { content: 'It looks right to me.' } },
      { route: 'chat', when: isJudge('PROMPT-761 '), reply: { content: 'Score: 0' } },
      { route: 'chat', when: isJudge('PROMPT-881 '), reply: { content: 'Score: 1' } },
    );
    const batchId = `wise-fid-${randomUUID().slice(0, 8)}`;
    const out = path.join(dir, 'out');
    const res = await runCli(
      ['bench', suite, '--batch-id', batchId, '--size', '256x256', '--no-feedback', '--judge-prompt', templateFile, '--json', '--out', out],
      { IMAGE_AGENT_TASK_QUEUE: env.taskQueue, OPENAI_BASE_URL: fake.baseURL, OPENAI_API_KEY: 'sk-test-fake-key', IMAGE_AGENT_PROVIDERS: 'openai' },
      300_000,
    );
    expect(res.stderr).toBe('');
    const result = JSON.parse(res.stdout) as { local: { json: string; official: string; unjudged: string } };

    expect(fs.readFileSync(result.local.official, 'utf8')).toBe(
      [
        '{"prompt_id":1,"score":0}',
        '{"prompt_id":401,"score":0}',
        '{"prompt_id":521,"score":0}',
        '{"prompt_id":641,"score":1}',
        '{"prompt_id":761,"score":0}',
        '{"prompt_id":881,"score":1}',
        '',
      ].join('\n'),
    );
    const unjudged = fs
      .readFileSync(result.local.unjudged, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { prompt_id: number; outcome: string; reason: string });
    expect(unjudged.map((u) => [u.prompt_id, u.outcome])).toEqual([
      [1, 'unparseable'],
      [401, 'error'],
      [521, 'refused'],
    ]);
    expect(unjudged[1]!.reason).toMatch(/judge rejected the request/);

    // Asked again up to 3 attempts in all when no score was found; once when it was.
    const judgeCalls = (marker: string) => fake.requestsFor('chat').filter(isJudge(marker)).length;
    expect(judgeCalls('PROMPT-1 ')).toBe(3);
    expect(judgeCalls('PROMPT-521 ')).toBe(3);
    expect(judgeCalls('PROMPT-761 ')).toBe(2);
    expect(judgeCalls('PROMPT-641 ')).toBe(1);

    // The template's request: one user message, the filled-in text first, then the image; no system prompt of ours.
    const request = fake.requestsFor('chat').find(isJudge('PROMPT-881 '))!;
    const messages = request.body.messages as Array<{ role: string; content: Array<{ type: string; text?: string }> }>;
    expect(messages.map((m) => m.role)).toEqual(['user']);
    expect(messages[0]!.content.map((p) => p.type)).toEqual(['text', 'image_url']);
    expect(messages[0]!.content[0]!.text).toBe(
      TEMPLATE.replace('{prompt}', 'PROMPT-881 a lantern').replace('{explanation}', 'EXPLANATION-881').replace('{{x}}', '{x}'),
    );

    const report = JSON.parse(fs.readFileSync(result.local.json, 'utf8'));
    expect(report.wise.metrics.wiseOverall).toBeCloseTo(0.12 * 2, 10);
    expect(report.unjudged.map((u: { case: string }) => u.case)).toEqual(['1', '401', '521']);
    expect(report.record.mode).toBe('official');
    expect(report.record.judge.prompt).toEqual({
      source: 'file',
      name: 'wise-judge.txt',
      sha256: require('node:crypto').createHash('sha256').update(TEMPLATE).digest('hex'),
    });
    expect(report.record.judge.endpointHost).toBe(new URL(fake.baseURL).host);
    expect(report.record.code.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(report.record.suite.files[0].sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(report.record.rerun).toMatchObject({ suite: 'wise', size: '256x256', ablations: { noFeedback: true }, judgePromptFile: templateFile });
    expect(JSON.stringify(report)).not.toContain('sk-test-fake-key');
    firstRun = { report: result.local.json, scores: fs.readFileSync(result.local.official, 'utf8'), record: report.record };
  });

  test('bench --rerun <report.json> runs the recorded configuration again', async () => {
    expect(firstRun).toBeDefined();
    const batchId = `wise-rerun-${randomUUID().slice(0, 8)}`;
    const res = await runCli(
      ['bench', '--rerun', firstRun!.report, '--batch-id', batchId, '--json', '--out', path.join(dir, 'out-rerun')],
      { IMAGE_AGENT_TASK_QUEUE: env.taskQueue, OPENAI_BASE_URL: fake.baseURL, OPENAI_API_KEY: 'sk-test-fake-key', IMAGE_AGENT_PROVIDERS: 'openai' },
      300_000,
    );
    expect(res.stderr).toBe(''); // no warning: the suite, the template and the code are as recorded
    const result = JSON.parse(res.stdout) as { local: { json: string; official: string } };
    const report = JSON.parse(fs.readFileSync(result.local.json, 'utf8'));
    expect(report.record.rerun).toEqual(firstRun!.record.rerun);
    expect(report.record.judge.prompt).toEqual(firstRun!.record.judge.prompt);
    expect(report.record.suite).toEqual(firstRun!.record.suite);
    expect(fs.readFileSync(result.local.official, 'utf8')).toBe(firstRun!.scores);
  });

  test('a template with a field the judge does not fill is refused with the file, line and field', async () => {
    const templateFile = path.join(dir, 'bad-judge.txt');
    fs.writeFileSync(templateFile, 'Prompt: {prompt}\nChecklist: {checklist}\n');
    const suite = path.join(dir, 'wise.json');
    const res = await runCli(['bench', suite, '--judge-prompt', templateFile], { IMAGE_AGENT_TASK_QUEUE: env.taskQueue });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/bad-judge\.txt:2: field "\{checklist\}": is not a field this judge fills in/);
  });

  test('two batches of one memory suite in one tenant share no memory and give identical verdicts', async () => {
    const suite = path.join(dir, 'memory.jsonl');
    fs.writeFileSync(
      suite,
      `${JSON.stringify({ id: 'mem-1', capability: 'memory', subtask: 'conversation_history', turns: [{ prompt: 'a paper lantern with a crane motif' }, { prompt: 'the lantern from before, glowing at night' }], checklist: ['A lantern is shown.'] })}\n`,
    );
    fake.script({
      route: 'chat',
      schema: 'context_plan',
      when: (req) => textOf(req).includes('lantern'),
      reply: {
        json: {
          intent: 'lantern',
          questions: [{ id: 'q1', question: 'Which lantern did the user ask for before?', route: 'memory', dependsOn: [], rationale: 'back-reference' }],
          images: [{ id: 'image-1', brief: 'a lantern', dependsOn: [] }],
        },
      },
    });
    const g = { client: env.client, config: env.config, store: env.store };
    const run = async () => {
      const batchId = `mem-iso-${randomUUID().slice(0, 8)}`;
      await startBatch(g, [suite], { batchId, tenantId: 'acme-isolation', system: 'test', options: { size: '128x128', maxRounds: 1, ablations: {} } });
      const result: BatchResult = await env.client.workflow.getHandle(batchWorkflowId(batchId)).result();
      const turns = await Promise.all([1, 2].map((t) => env.store.getJson<RunReport>(reportKey('acme-isolation', `${batchId}-case-mem-1-turn-${t}`))));
      const caseResult = await env.store.getJson<{ judge: { verdict: unknown } }>(caseResultKey('acme-isolation', batchId, 'mem-1'));
      return { batchId, result, turns, verdict: caseResult.judge.verdict };
    };
    const first = await run();
    const second = await run();
    // One user per case within a batch run, a different one in each batch.
    expect(first.turns[0]!.input.userId).toBe(first.turns[1]!.input.userId);
    expect(first.turns[0]!.input.userId).toContain(first.batchId);
    expect(second.turns[0]!.input.userId).not.toBe(first.turns[0]!.input.userId);
    // The second batch recalled nothing from the first.
    const recalled = second.turns.flatMap((t) => t.result.memory?.turns.map((m) => m.workflowId) ?? []);
    for (const id of recalled) expect(id.startsWith(second.batchId)).toBe(true);
    expect(second.verdict).toEqual(first.verdict);
    // The control: the same recall, run as the first batch's user, does find that batch's turns, so the second
    // batch found none because its user is its own.
    const control: GenerateImageResult = await env.client.workflow.execute(generateImage, {
      taskQueue: env.taskQueue,
      workflowId: `mem-iso-control-${randomUUID().slice(0, 8)}`,
      args: [
        {
          request: 'the lantern from before, glowing at night',
          tenantId: 'acme-isolation',
          userId: first.turns[0]!.input.userId,
          options: { size: '128x128', maxRounds: 1, ablations: {} },
        },
      ],
    });
    expect(control.memory?.turns.some((m) => m.workflowId.startsWith(first.batchId))).toBe(true);
    expect(second.result.progress).toMatchObject({ done: 1, failed: 0 });
  });
});
