/**
 * The claim check for model-call records (workers/modelCallClaimCheck.ts): the history carries slim records
 * (usage and a reference), the prompts go to object storage once, and the run report still shows every call
 * in full.
 */
import { randomUUID } from 'node:crypto';
import type { ModelCallRecord } from '../common/modelCall';
import type { RunReport } from '../common/runResult';
import { slimCalls } from '../workers/modelCallClaimCheck';
import { scriptAgentDefaults } from './fakeOpenAI/agentDefaults';
import { FakeOpenAIServer } from './fakeOpenAI/fakeOpenAIServer';
import { claimCheckWriteTotals } from './support/claimCheckWrites';
import { dumpHistory } from './support/history';
import { startTestEnv, type TestEnv } from './support/testEnv';
import { generateImage } from '../workflows/generate/generateImage';

const record = (purpose: string): ModelCallRecord => ({
  purpose,
  provider: 'openai',
  model: 'm',
  messages: [{ role: 'user', text: `the prompt of ${purpose}`, images: 0 }],
  response: `the answer of ${purpose}`,
  usage: { inputTokens: 10, outputTokens: 5 },
  durationMs: 3,
});

describe('model-call claim check', () => {
  it('replaces full records at any depth with slim ones that name the stored record', () => {
    const full: ModelCallRecord[] = [];
    const slim = slimCalls({ value: 1, calls: [record('a')], nested: [{ calls: [record('b')] }] }, 'k', full) as {
      calls: ModelCallRecord[];
      nested: { calls: ModelCallRecord[] }[];
    };
    expect(full.map((c) => c.purpose)).toEqual(['a', 'b']);
    expect(slim.calls[0]).toMatchObject({ purpose: 'a', messages: [], response: '', usage: { inputTokens: 10, outputTokens: 5 }, ref: { key: 'k', index: 0 } });
    expect(slim.nested[0]!.calls[0]!.ref).toEqual({ key: 'k', index: 1 });
  });

  describe('on the stack', () => {
    let fake: FakeOpenAIServer;
    let env: TestEnv;
    beforeAll(async () => {
      fake = await new FakeOpenAIServer().start();
      scriptAgentDefaults(fake);
      env = await startTestEnv({ name: 'claim-check', fake });
    });
    afterAll(async () => {
      await env?.stop();
      await fake?.stop();
    });

    it('keeps prompts out of the history and every call in the report', async () => {
      const writesBefore = (await claimCheckWriteTotals()).writes;
      const handle = await env.client.workflow.start(generateImage, {
        taskQueue: env.taskQueue,
        workflowId: `claim-check-${randomUUID()}`,
        args: [{ request: 'a red bicycle leaning on a blue door', tenantId: 'test', userId: 'u1', options: { size: '64x64' } }],
      });
      const result = await handle.result();
      const dump = await dumpHistory(handle);
      expect(dump.payloadTexts.some((t) => t.includes('COMPOSED FROM'))).toBe(true); // the composed prompt is in the candidate
      expect(dump.payloadTexts.some((t) => /"messages":\[\{"role"/.test(t))).toBe(false);
      const report = await env.store.getJson<RunReport>(result.reportKey!);
      expect(report.calls.length).toBeGreaterThanOrEqual(4);
      for (const c of report.calls) {
        expect(c.ref).toBeUndefined();
        expect(c.messages.length).toBeGreaterThan(0);
        expect(c.response).not.toBe('');
      }
      expect(result.usage.calls).toBe(report.calls.length);
      // Each object the history refers to was one timed write (image_agent_claim_check_write_seconds). An attempt
      // that failed after its write (a timeout on a loaded machine) wrote once more, so retries widen the bound.
      const keys = new Set(dump.payloadTexts.flatMap((t) => [...t.matchAll(/"ref":\{"key":"([^"]+)"/g)].map((m) => m[1])));
      expect(keys.size).toBeGreaterThanOrEqual(3);
      const retries = (dump.history.events ?? []).reduce((n, e) => n + Math.max(0, (e.activityTaskStartedEventAttributes?.attempt ?? 1) - 1), 0);
      const writes = (await claimCheckWriteTotals()).writes - writesBefore;
      expect(writes).toBeGreaterThanOrEqual(keys.size);
      expect(writes).toBeLessThanOrEqual(keys.size + retries);
    });
  });
});
