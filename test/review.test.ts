/**
 * Human review mid-workflow: the result gate (update with validator, signal fallback, timeout policies),
 * the plan gate, cancellation, and the real temporal CLI approving a waiting run.
 */
import { randomUUID } from 'node:crypto';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import type { AddressInfo } from 'node:net';
import { buildApi } from '../client/api/apiServer';
import { loadConfig } from '../config/loadConfig';
import type { GenerateImageInput } from '../common/request';
import { reportKey } from '../common/objectKeys';
import type { ReviewPolicy } from '../common/review';
import type { GenerateImageResult, RunReport } from '../common/runResult';
import { resolveTool } from '../infra/toolchain';
import { reviewSignal, reviewUpdate, planReviewUpdate, statusQuery } from '../workflows/generate/generationMessages';
import { startOptions } from '../client/startOptions';
import { generateImage } from '../workflows/generate/generateImage';
import { runCommand } from './support/cli';
import { eventually } from './support/eventually';
import { startTestEnv, type TestEnv } from './support/testEnv';

describe('review gates', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await startTestEnv({ name: 'review' });
  });
  afterAll(() => env?.stop());

  async function start(request: string, review: ReviewPolicy): Promise<WorkflowHandle> {
    const input: GenerateImageInput = { request, tenantId: 'acme', userId: 'rita', options: { size: '256x256' }, review };
    // Started as an operator would, without the API's review key: these runs take unsigned decisions, so the gate's
    // own rules are tested here (signed decisions and four-eyes: fourEyes.test.ts).
    return env.client.workflow.start(generateImage, { ...startOptions(env.config, input, `review-${randomUUID()}`), args: [input] });
  }

  async function waitForReview(handle: WorkflowHandle, kind: 'plan' | 'result' = 'result'): Promise<string> {
    return eventually(async () => {
      const s = await handle.query(statusQuery);
      expect(s.pendingReview?.kind).toBe(kind);
      return s.pendingReview!.candidateKey ?? '';
    }, 30_000);
  }

  const refusal = async (p: Promise<unknown>): Promise<string> => {
    const err = await p.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
    return ((err as WorkflowUpdateFailedError).cause as Error).message;
  };

  test('reject with feedback → a new round carrying the feedback; then approve; stale and double decisions are refused', async () => {
    const handle = await start('a lighthouse poster', { required: true, onTimeout: 'expire' });
    const first = await waitForReview(handle);
    expect(first).toMatch(/round-1\.png$/);
    await expect(refusal(handle.executeUpdate(reviewUpdate, { args: [{ decision: 'reject', candidateKey: first }] }))).resolves.toMatch(/feedback is required/);

    const rejected = await handle.executeUpdate(reviewUpdate, {
      args: [{ decision: 'reject', candidateKey: first, feedback: 'a stormy purple sky', reviewer: 'rev-1' }],
      updateId: 'click-1',
    });
    expect(rejected).toEqual({ accepted: true, decision: 'reject', next: 'new_round' });
    // A retried click with the same request id is the same decision, not a second one.
    await expect(
      handle.executeUpdate(reviewUpdate, { args: [{ decision: 'reject', candidateKey: first, feedback: 'a stormy purple sky' }], updateId: 'click-1' }),
    ).resolves.toEqual(rejected);

    const second = await waitForReview(handle);
    expect(second).toMatch(/round-2\.png$/);
    const status = await handle.query(statusQuery);
    expect(status.candidates.at(-1)!.context.prompt).toContain('a stormy purple sky');

    await expect(refusal(handle.executeUpdate(reviewUpdate, { args: [{ decision: 'approve', candidateKey: first }] }))).resolves.toBe(
      `stale decision: it names ${first}, but the candidate under review is ${second}`,
    );
    await handle.executeUpdate(reviewUpdate, { args: [{ decision: 'approve', candidateKey: second, reviewer: 'rev-2' }] });
    await expect(refusal(handle.executeUpdate(reviewUpdate, { args: [{ decision: 'approve', candidateKey: second }] }))).resolves.toMatch(
      /duplicate decision: candidate .*round-2\.png was already approved by rev-2|too late/,
    );
    const result: GenerateImageResult = await handle.result();
    expect(result.outcome).toBe('completed');
    expect(result.approval).toBe('approved');
    expect(result.final!.round).toBe(2);
    expect(result.decisions.map((d) => [d.decision, d.reviewer, d.via])).toEqual([
      ['reject', 'rev-1', 'update'],
      ['approve', 'rev-2', 'update'],
    ]);
    // Refused decisions (3) and the retried click left nothing in the history: exactly the 2 accepted updates.
    const events = (await handle.fetchHistory()).events ?? [];
    expect(events.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes).length).toBe(2);
    const report = await env.store.getJson<RunReport>(result.reportKey!);
    expect(report.result.decisions).toHaveLength(2);
  });

  test('the signal fallback approves; an invalid signal is recorded as ignored', async () => {
    const handle = await start('a teapot', { required: true, onTimeout: 'expire' });
    const key = await waitForReview(handle);
    await handle.signal(reviewSignal, { decision: 'approve', candidateKey: 'runs/not-the-candidate.png' });
    await handle.signal(reviewSignal, { decision: 'approve', candidateKey: key, reviewer: 'sig' });
    const result: GenerateImageResult = await handle.result();
    expect(result.decisions).toMatchObject([{ decision: 'approve', via: 'signal', reviewer: 'sig' }]);
    const report = await env.store.getJson<RunReport>(result.reportKey!);
    expect(report.ignoredSignals).toEqual([expect.objectContaining({ reason: expect.stringMatching(/^stale decision/) })]);
  });

  test.each([
    ['approve_best', 'completed', 'approved'],
    ['reject', 'rejected', 'rejected'],
    ['expire', 'expired', 'expired'],
  ] as const)('a short review timeout fires and does what the request said: %s', async (onTimeout, outcome, approval) => {
    const handle = await start('a quiet harbour', { required: true, timeout: '2 seconds', onTimeout });
    const result: GenerateImageResult = await handle.result();
    expect(result.outcome).toBe(outcome);
    expect(result.approval).toBe(approval);
    expect(result.decisions).toMatchObject([{ decision: 'timeout', via: 'timeout', reviewer: 'timeout policy' }]);
  });

  test('cancel at the gate leaves a consistent record', async () => {
    const handle = await start('a windmill', { required: true, onTimeout: 'expire' });
    await waitForReview(handle);
    await handle.cancel();
    await expect(handle.result()).rejects.toThrow();
    expect((await handle.describe()).status.name).toBe('CANCELLED');
    const report = await env.store.getJson<RunReport>(reportKey('acme', handle.workflowId));
    expect(report.result.outcome).toBe('cancelled');
    expect(report.result.approval).toBe('cancelled');
    expect(report.result.images).toHaveLength(1);
  });

  test('the plan gate: the reviewer sees the plan and may edit the prompt before anything is rendered', async () => {
    const handle = await start('a basket with as many apples as 3²−2', { required: false, planApproval: true, onTimeout: 'expire' });
    await waitForReview(handle, 'plan');
    const status = await handle.query(statusQuery);
    expect(status.candidates).toHaveLength(0);
    expect(status.plan!.questions[0]!.route).toBe('reason');
    expect(status.answers[0]!.answer).toBe('7');
    await expect(
      handle.executeUpdate(planReviewUpdate, { args: [{ decision: 'approve', prompt: 'Seven red apples in a wicker basket, watercolour' }] }),
    ).resolves.toEqual({
      accepted: true,
      decision: 'approve',
      next: 'render',
    });
    const result: GenerateImageResult = await handle.result();
    expect(result.images[0]!.candidates[0]!.context.prompt).toBe('Seven red apples in a wicker basket, watercolour');
  });

  test('the real temporal CLI lists runs waiting for review and approves one with an update', async () => {
    const handle = await start('a red lantern', { required: true, onTimeout: 'expire' });
    const key = await waitForReview(handle);
    const temporal = resolveTool('temporal', loadConfig().stack.dir);
    const listed = await eventually(async () => {
      const out = await runCommand(temporal, [
        'workflow',
        'list',
        '--address',
        loadConfig().temporal.connection.address!,
        '--query',
        `ImageAgentApproval = 'pending' AND WorkflowId = '${handle.workflowId}'`,
        '-o',
        'json',
      ]);
      expect(JSON.parse(out.stdout || '[]')).toHaveLength(1);
      return out;
    });
    expect(listed.code).toBe(0);
    const input = JSON.stringify({ decision: 'approve', candidateKey: key, reviewer: 'temporal-cli' });
    // Results are encrypted: the CLI reads them through the codec server with an auditor's token.
    const token = `tok-audit-${randomUUID()}`;
    const api = buildApi({
      client: env.client,
      config: loadConfig({ ...process.env, IMAGE_AGENT_API_TOKENS: `${token}:acme:auditor:audit` }),
      store: env.store,
    });
    await api.listen({ host: '127.0.0.1', port: 0 });
    const codec = `http://127.0.0.1:${(api.server.address() as AddressInfo).port}/codec`;
    const updated = await runCommand(temporal, [
      '--codec-endpoint',
      codec,
      '--codec-auth',
      `Bearer ${token}`,
      'workflow',
      'update',
      'execute',
      '--address',
      loadConfig().temporal.connection.address!,
      '--workflow-id',
      handle.workflowId,
      '--name',
      'review',
      '--input',
      input,
    ]);
    await api.close();
    expect(updated.stderr).toBe('');
    expect(updated.code).toBe(0);
    const result: GenerateImageResult = await handle.result();
    expect(result.decisions).toMatchObject([{ decision: 'approve', reviewer: 'temporal-cli' }]);
  });
});
