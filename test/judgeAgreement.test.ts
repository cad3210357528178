/**
 * Cohen's kappa, and `image-agent bench judge-agreement` putting a batch's cases before a second judge model
 * through the fake server: the two judges disagree on scripted items, so kappa and the disagreements are known.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BatchResult } from '../common/batch';
import { startBatch } from '../client/batches';
import type { JudgeAgreement } from '../client/judgeAgreement';
import { cohensKappa } from '../benchmarks/scoring/cohensKappa';
import { batchWorkflowId } from '../workflows/batch/batchMessages';
import { checklistStatements, scriptAgentDefaults } from './fakeOpenAI/agentDefaults';
import { FakeOpenAIServer } from './fakeOpenAI/fakeOpenAIServer';
import { runCli } from './support/cli';
import { startTestEnv, type TestEnv } from './support/testEnv';

describe("Cohen's kappa", () => {
  test('a worked example, perfect agreement, and the undefined case', () => {
    // 20 decisions: both yes 8, both no 6, A yes / B no 4, A no / B yes 2. pₒ = 0.7, pₑ = 0.6·0.5 + 0.4·0.5 = 0.5, κ = 0.4.
    const pairs = [...Array(8).fill([true, true]), ...Array(6).fill([false, false]), ...Array(4).fill([true, false]), ...Array(2).fill([false, true])] as Array<
      [boolean, boolean]
    >;
    const k = cohensKappa(pairs);
    expect(k.observed).toBeCloseTo(0.7, 12);
    expect(k.expected).toBeCloseTo(0.5, 12);
    expect(k.kappa).toBeCloseTo(0.4, 12);
    expect(
      cohensKappa([
        [true, true],
        [false, false],
      ]).kappa,
    ).toBe(1);
    expect(
      cohensKappa([
        [true, true],
        [true, true],
      ]).kappa,
    ).toBeNull();
    expect(cohensKappa([]).kappa).toBeNull();
  });
});

describe('bench judge-agreement', () => {
  let fake: FakeOpenAIServer;
  let env: TestEnv;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'judge-agreement-'));
  const judgeAnswer = (failing: string) => (req: Parameters<typeof checklistStatements>[0]) => ({
    content: JSON.stringify({ results: checklistStatements(req).map((s) => !s.includes(failing)) }),
  });

  beforeAll(async () => {
    fake = await new FakeOpenAIServer().start();
    fake.script(
      { route: 'chat', model: 'judge-a', textIncludes: 'Reply with {"results": [...]}', reply: judgeAnswer('blue') },
      { route: 'chat', model: 'judge-b', textIncludes: 'Reply with {"results": [...]}', reply: judgeAnswer('red') },
    );
    scriptAgentDefaults(fake);
    env = await startTestEnv({ name: 'judge-agreement', fake, env: { IMAGE_AGENT_MODEL_JUDGE: 'judge-a' } });
  });
  afterAll(async () => {
    await env?.stop();
    await fake?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('kappa over items and over cases, and every case where the judges disagree', async () => {
    const suite = path.join(dir, 'suite.jsonl');
    const line = (id: string, prompt: string, checklist: string[]) =>
      JSON.stringify({ id, capability: 'plan', subtask: 'composition', turns: [{ prompt }], checklist });
    fs.writeFileSync(
      suite,
      [
        line('c1', 'a red apple on a table', ['A red apple.', 'A table.']),
        line('c2', 'two cups', ['A blue cup.', 'A red cup.']),
        line('c3', 'the sky', ['A blue sky.', 'A cloud.']),
      ].join('\n'),
    );
    const batchId = `agree-${randomUUID().slice(0, 8)}`;
    await startBatch({ client: env.client, config: env.config, store: env.store }, [suite], {
      batchId,
      tenantId: 'acme',
      system: 'test',
      options: { size: '128x128', maxRounds: 1, ablations: {} },
    });
    const result: BatchResult = await env.client.workflow.getHandle(batchWorkflowId(batchId)).result();
    const reportFile = path.join(dir, 'report.json');
    fs.writeFileSync(reportFile, await env.store.get(result.report.json));

    const res = await runCli(['bench', 'judge-agreement', reportFile, '--judge-model', 'judge-b', '--json'], {
      OPENAI_BASE_URL: fake.baseURL,
      OPENAI_API_KEY: 'sk-test-fake-key',
      IMAGE_AGENT_PROVIDERS: 'openai',
    });
    expect(res.stderr).toBe('');
    const agreement = JSON.parse(res.stdout) as JudgeAgreement;
    expect(agreement.firstJudge).toEqual(['judge-a']);
    expect(agreement.secondJudge).toBe('judge-b');
    // first [T,T] [F,T] [F,T]; second [F,T] [T,F] [T,T]: pₒ = 2/6, pₑ = 20/36, κ = −0.5; per case κ = −0.5 too.
    expect(agreement.decisions).toMatchObject({ decisions: 6, agreements: 2 });
    expect(agreement.decisions.kappa).toBeCloseTo(-0.5, 12);
    expect(agreement.cases.kappa).toBeCloseTo(-0.5, 12);
    expect(agreement.disagreements.map((d) => [d.caseId, d.items])).toEqual([
      ['c1', [1]],
      ['c2', [1, 2]],
      ['c3', [1]],
    ]);
    expect(fs.readFileSync(path.join(dir, 'judge-agreement.md'), 'utf8')).toContain("Cohen's κ");
  });
});
