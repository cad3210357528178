/**
 * Principals and four-eyes review: the API records the authenticated principal as reviewer and signs each
 * decision; the run's validator refuses the requester's own approval (four-eyes tenant), unsigned or
 * badly signed decisions (a forged reviewer sent straight to Temporal), and ignores such signals.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { loadConfig } from '../config/loadConfig';
import { decisionMessage, signatureProblem, signedFieldsOf, type SignedFields } from '../common/decisionSignature';
import { parseTokenEntries } from '../common/principals';
import type { GenerateImageResult } from '../common/runResult';
import { resolveTool } from '../infra/toolchain';
import { ReviewSigner } from '../security/reviewSigner';
import { runCommand } from './support/cli';
import { eventually } from './support/eventually';
import { listenApi, startWaitingRun, type InProcessApi } from './support/inProcessApi';
import { dumpHistory } from './support/history';
import { startTestEnv, type TestEnv } from './support/testEnv';
import { reviewSignal, reviewUpdate } from '../workflows/generate/generationMessages';
import { generateKeyPairSync } from 'node:crypto';

const ALICE = `tok-alice-${randomUUID()}`;
const BOB = `tok-bob-${randomUUID()}`;
const CAROL = `tok-carol-${randomUUID()}`;

describe('principals and four-eyes review', () => {
  let env: TestEnv;
  let api: InProcessApi;
  let id: string;
  let candidateKey: string;
  const call = (method: string, path: string, token: string, body?: unknown) => api.call(method, path, token, body);

  beforeAll(async () => {
    env = await startTestEnv({
      name: 'foureyes',
      env: {
        IMAGE_AGENT_API_TOKENS: `${ALICE}:fe:alice:submit+review,${BOB}:fe:bob:review,${CAROL}:fe:carol:submit`,
        IMAGE_AGENT_FOUR_EYES_TENANTS: 'fe',
      },
    });
    api = await listenApi(env);
    ({ id, candidateKey } = await startWaitingRun(api, ALICE, { request: 'a teal kite over dunes', userId: 'alice' }));
  });
  afterAll(async () => {
    await api?.close();
    await env?.stop();
  });

  test('a forged reviewer sent straight to Temporal is refused by the validator, and a forged signal is ignored', async () => {
    const temporal = resolveTool('temporal', loadConfig().stack.dir);
    const address = loadConfig().temporal.connection.address!;
    const update = (input: unknown) =>
      runCommand(temporal, ['workflow', 'update', 'execute', '--address', address, '--workflow-id', id, '--name', 'review', '--input', JSON.stringify(input)]);
    const unsigned = { decision: 'approve' as const, candidateKey, reviewer: 'bob' };
    const forged = {
      decision: 'approve' as const,
      candidateKey,
      principal: 'bob',
      at: new Date().toISOString(),
      signatureV2: randomBytes(64).toString('base64'),
      decisionId: 'forged-1',
    };
    for (const input of [unsigned, forged]) {
      const out = await update(input);
      expect(out.code).not.toBe(0);
      // The failure message is encrypted too (encodeCommonAttributes): the raw CLI sees only that it failed.
      expect(out.stderr).toMatch(/update|fail/i);
    }
    // Read through the data converter, the reasons are the validator's.
    const handle = env.client.workflow.getHandle(id);
    await expect(handle.executeUpdate(reviewUpdate, { args: [unsigned] })).rejects.toMatchObject({
      cause: { message: expect.stringMatching(/^unsigned decision/) },
    });
    await expect(handle.executeUpdate(reviewUpdate, { args: [forged] })).rejects.toMatchObject({
      cause: { message: expect.stringMatching(/^badly signed decision/) },
    });
    // A signature made with another key (an attacker's own) fails the same way.
    const other = new ReviewSigner(generateKeyPairSync('ed25519').privateKey);
    const at = new Date().toISOString();
    const { runId } = await handle.describe();
    const signatureV2 = other.sign(
      { workflowId: id, runId, decisionId: 'forged-2', kind: 'result', decision: 'approve', candidateKey, principal: 'bob', at },
      2,
    );
    await handle.signal(reviewSignal, { decision: 'approve', candidateKey, principal: 'bob', at, signatureV2, decisionId: 'forged-2' });
    // Refused updates leave no history; the signal is there, handled (a task completed after it), and ignored.
    await eventually(async () => {
      const events = (await handle.fetchHistory()).events!;
      const signalled = events.findIndex((e) => e.workflowExecutionSignaledEventAttributes);
      expect(signalled).toBeGreaterThan(0);
      expect(events.slice(signalled).some((e) => e.workflowTaskCompletedEventAttributes)).toBe(true);
      expect(events.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes)).toHaveLength(0);
    }, 30_000);
    const status = await call('GET', `/v1/generations/${id}`, ALICE);
    expect(status.body.approval).toBe('pending');
    expect(status.body.decisions).toEqual([]);
  });

  test("the requester's own approval is refused; a principal without the review role is 403; another reviewer's approval completes, recorded by name", async () => {
    const own = await call('POST', `/v1/generations/${id}/review`, ALICE, { decision: 'approve', candidateKey });
    expect(own.status).toBe(409);
    expect(own.body.error).toMatch(/four-eyes policy: alice requested this run/);
    const noRole = await call('POST', `/v1/generations/${id}/review`, CAROL, { decision: 'approve', candidateKey });
    expect(noRole.status).toBe(403);
    const bob = await call('POST', `/v1/generations/${id}/review`, BOB, { decision: 'approve', candidateKey, reviewer: 'alice' });
    expect(bob).toEqual({ status: 200, body: { accepted: true, decision: 'approve', next: 'complete' } });
    const result: GenerateImageResult = await env.client.workflow.getHandle(id).result();
    expect(result.decisions).toMatchObject([{ decision: 'approve', reviewer: 'bob', signed: true, via: 'update' }]);
    const report = await call('GET', `/v1/generations/${id}/report`, ALICE);
    expect(report.body.ignoredSignals).toEqual([expect.objectContaining({ reason: expect.stringMatching(/badly signed/) })]);
    // The history (decoded, as an auditor reads it) names the authenticated principal.
    const dump = await dumpHistory(env.client.workflow.getHandle(id));
    expect(dump.payloadTexts.some((t) => t.includes('"principal":"bob"'))).toBe(true);
  });

  test('signatures bind run, decision, candidate, principal and time; tokens are kept hashed with roles', () => {
    const signer = new ReviewSigner(generateKeyPairSync('ed25519').privateKey);
    const auth = { publicKey: signer.publicKey, requestedBy: 'alice', fourEyes: true };
    const fields = { workflowId: 'w1', kind: 'result' as const, decision: 'approve', candidateKey: 'k1' };
    const at = '2026-01-01T00:00:00.000Z';
    const sig = signer.sign({ ...fields, principal: 'bob', at });
    const run = { runId: 'r1', now: Date.parse(at) };
    const v1 = (d: { principal?: string; at?: string; signature?: string }, f: Omit<SignedFields, 'principal' | 'at'> = fields) =>
      signatureProblem(auth, f, d, run);
    expect(v1({ principal: 'bob', at, signature: sig })).toBeUndefined();
    expect(v1({ principal: 'bob', at, signature: sig }, { ...fields, workflowId: 'w2' })).toMatch(/badly signed/);
    expect(v1({ principal: 'bob', at, signature: sig }, { ...fields, candidateKey: 'k2' })).toMatch(/badly signed/);
    expect(v1({ principal: 'bob', at, signature: sig }, { ...fields, decision: 'reject' })).toMatch(/badly signed/);
    expect(v1({ principal: 'carol', at, signature: sig })).toMatch(/badly signed/);
    expect(v1({ principal: 'bob', at: '2026-01-02T00:00:00.000Z', signature: sig })).toMatch(/badly signed/);
    expect(v1({})).toMatch(/unsigned/);
    // Version 2 binds the run id and the decision id, and the run checks the time.
    const auth2 = { ...auth, version: 2 as const };
    const signatureV2 = signer.sign({ ...fields, runId: 'r1', decisionId: 'd1', principal: 'bob', at }, 2);
    const v2 = (d: Record<string, string>, r = run) => signatureProblem(auth2, fields, { principal: 'bob', at, signatureV2, decisionId: 'd1', ...d }, r);
    expect(v2({})).toBeUndefined();
    expect(v2({}, { ...run, runId: 'r2' })).toMatch(/badly signed/);
    expect(v2({ decisionId: 'd2' })).toMatch(/badly signed/);
    expect(v2({ signatureV2: sig })).toMatch(/badly signed/);
    expect(signatureProblem(auth2, fields, { principal: 'bob', at, signature: sig }, run)).toMatch(/unsigned/);
    expect(signatureProblem(auth2, fields, { principal: 'bob', at, signatureV2 }, run)).toMatch(/no decision id/);
    expect(v2({}, { ...run, now: Date.parse(at) + 11 * 60_000 })).toMatch(/stale decision/);
    expect(v2({}, { ...run, now: Date.parse(at) - 3 * 60_000 })).toMatch(/stale decision/);
    // The message of a plain decision is the same bytes it always was; a chosen candidate is bound when present.
    expect(new TextDecoder().decode(decisionMessage({ ...fields, principal: 'bob', at }))).toBe(
      JSON.stringify(['image-agent/review/v1', 'w1', 'result', 'approve', 'k1', '', '', '', 'bob', at]),
    );
    const chosen = signedFieldsOf('w1', 'result', { decision: 'approve', candidateKey: 'k1', chosenKey: 'k0' });
    expect(v1({ principal: 'bob', at, signature: sig }, chosen)).toMatch(/badly signed/);
    expect(v1({ principal: 'bob', at, signature: signer.sign({ ...chosen, principal: 'bob', at }) }, chosen)).toBeUndefined();
    expect(signedFieldsOf('w1', 'result', { decision: 'reject', candidateKey: 'k1', chosenKey: 'k0' })).not.toHaveProperty('chosenKey');
    const dir = parseTokenEntries(`${ALICE}:fe:alice:submit+review,sha256-${'ab'.repeat(32)}:fe:hashed:audit`, (m) => new Error(m));
    expect(dir.principal(ALICE)).toEqual({ name: 'alice', tenant: 'fe', roles: ['submit', 'review'] });
    expect(dir.principal(`${ALICE}x`)).toBeUndefined();
    expect(() => parseTokenEntries(`${ALICE}:fe:alice:root`, (m) => new Error(m))).toThrow(/roles/);
  });
});
