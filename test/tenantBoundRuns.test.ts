/**
 * A run's tenant is fixed at its start (issue 20, finding 1). An auditor of tenant B encodes messages with
 * B's codec (the codec server, as the Temporal UI would) and sends them to a run of tenant A waiting for
 * review: a signal, an update, a status query. The run refuses them and keeps encrypting under A's key, so
 * B's codec decodes none of A's plaintext, before or after the run ends; A's auditor reads the whole history.
 * Also: a plaintext message (sent with the raw CLI, no codec) is refused the same way, and a child's tenant
 * comes from its own start, not from a parent-looking id prefix.
 */
import { randomUUID } from 'node:crypto';
import type { Payload } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { FOREIGN_PAYLOAD_PROBLEM, isForeignPayload } from '../common/foreignPayload';
import { loadKeyring } from '../security/keyring';
import { EncryptionCodec, ENCRYPTED_ENCODING, payloadTenant } from '../security/payloadCodec';
import { TenantKeys } from '../security/tenantKeys';
import { ObjectStore } from '../providers/objectStore';
import { eventually } from './support/eventually';
import { collectPayloads } from './support/history';
import { listenApi, startWaitingRun, type InProcessApi } from './support/inProcessApi';
import { startTestEnv, type TestEnv } from './support/testEnv';

const A = `bound-a-${randomUUID().slice(0, 6)}`;
const B = `bound-b-${randomUUID().slice(0, 6)}`;
const A_SUBMIT = `tok-a-submit-${randomUUID()}`;
const A_REVIEW = `tok-a-review-${randomUUID()}`;
const A_AUDIT = `tok-a-audit-${randomUUID()}`;
const B_AUDIT = `tok-b-audit-${randomUUID()}`;
const SECRET = `a confidential teal kite for project ${randomUUID().slice(0, 8)}`;

interface JsonPayload {
  metadata: Record<string, string>;
  data: string;
}
const toJson = (p: Payload): JsonPayload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v!).toString('base64')])),
  data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
});
const fromJson = (p: JsonPayload): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(p.data, 'base64'),
});
const jsonPayload = (value: unknown): Payload => ({ metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from(JSON.stringify(value)) });

describe("a run's tenant is fixed at its start", () => {
  let env: TestEnv;
  let api: InProcessApi;
  let id: string;
  let candidateKey: string;
  const call = (method: string, path: string, token: string, body?: unknown) => api.call(method, path, token, body);
  /** Through a tenant's codec server, in requests of a few payloads (the codec server bounds a request). */
  const codec = async (op: 'encode' | 'decode', token: string, payloads: Payload[]): Promise<Payload[]> => {
    const out: Payload[] = [];
    for (let i = 0; i < payloads.length; i += 8) {
      const res = await call('POST', `/codec/${op}`, token, { payloads: payloads.slice(i, i + 8).map(toJson) });
      expect(res.status).toBe(200);
      out.push(...(res.body.payloads as JsonPayload[]).map(fromJson));
    }
    return out;
  };
  const rawHistoryPayloads = async (): Promise<Payload[]> => {
    const history = await env.client.workflow.getHandle(id).fetchHistory();
    const payloads: Payload[] = [];
    collectPayloads(history, payloads);
    return payloads;
  };
  const texts = (payloads: Payload[]) => payloads.map((p) => Buffer.from(temporal.api.common.v1.Payload.encode(p).finish()).toString('utf8'));

  beforeAll(async () => {
    env = await startTestEnv({
      name: 'tenant-bound',
      env: {
        IMAGE_AGENT_API_TOKENS: [
          `${A_SUBMIT}:${A}:alice:submit`,
          `${A_REVIEW}:${A}:rita:review`,
          `${A_AUDIT}:${A}:aud-a:audit`,
          `${B_AUDIT}:${B}:aud-b:audit`,
        ].join(','),
      },
    });
    api = await listenApi(env);
    ({ id, candidateKey } = await startWaitingRun(api, A_SUBMIT, { request: SECRET, userId: 'alice' }));
  });
  afterAll(async () => {
    await api?.close();
    await env?.stop();
  });

  test("another tenant's auditor signals, updates and queries the run, and reads none of its plaintext, before or after it ends", async () => {
    const { namespace } = env.config.temporal;
    const service = env.client.workflowService;
    const decision = { decision: 'approve', candidateKey, reviewer: 'ceo' };
    // B's auditor encodes through B's codec server, then talks to Temporal with the raw payloads.
    const [signalPayload] = await codec('encode', B_AUDIT, [jsonPayload(decision)]);
    expect(payloadTenant(signalPayload!)).toBe(B);
    await service.signalWorkflowExecution({
      namespace,
      workflowExecution: { workflowId: id },
      signalName: 'reviewSignal',
      input: { payloads: [signalPayload!] },
      identity: 'aud-b',
    });
    const update = await service.updateWorkflowExecution({
      namespace,
      workflowExecution: { workflowId: id },
      request: { meta: { updateId: `b-${randomUUID()}`, identity: 'aud-b' }, input: { name: 'review', args: { payloads: [signalPayload!] } } },
      waitPolicy: { lifecycleStage: temporal.api.enums.v1.UpdateWorkflowExecutionLifecycleStage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED },
    });
    expect(update.outcome?.failure).toBeTruthy();
    // The refusal's message is the run's (under A's key): A's auditor reads why, B's cannot.
    const [reason] = await codec('decode', A_AUDIT, [update.outcome!.failure!.encodedAttributes! as Payload]);
    expect(Buffer.from(reason!.data!).toString()).toContain('not encrypted under this run');
    const [reasonForB] = await codec('decode', B_AUDIT, [update.outcome!.failure!.encodedAttributes! as Payload]);
    expect(Buffer.from(reasonForB!.metadata!.encoding!).toString()).toBe(ENCRYPTED_ENCODING);

    // After the signal was handled, the status query's answer is still under A's key.
    await eventually(async () => {
      const events = (await env.client.workflow.getHandle(id).fetchHistory()).events!;
      const signalled = events.findIndex((e) => e.workflowExecutionSignaledEventAttributes);
      expect(signalled).toBeGreaterThan(0);
      expect(events.slice(signalled).some((e) => e.workflowTaskCompletedEventAttributes)).toBe(true);
    }, 30_000);
    const query = await service.queryWorkflow({ namespace, execution: { workflowId: id }, query: { queryType: 'status' } });
    const answer = query.queryResult!.payloads! as Payload[];
    expect(answer.map(payloadTenant)).toEqual([A]);
    const answerForB = await codec('decode', B_AUDIT, answer);
    expect(texts(answerForB).join('')).not.toContain(SECRET);
    expect(Buffer.from((await codec('decode', A_AUDIT, answer))[0]!.data!).toString()).toContain(SECRET);

    // The run goes on for its own reviewer, and ignored B's signal.
    const approved = await call('POST', `/v1/generations/${id}/review`, A_REVIEW, { decision: 'approve', candidateKey });
    expect(approved.status).toBe(200);
    const result = await env.client.workflow.getHandle(id).result();
    expect(result.decisions).toEqual([expect.objectContaining({ decision: 'approve', reviewer: 'rita', signed: true })]);
    const report = await call('GET', `/v1/generations/${id}/report`, A_SUBMIT);
    expect(report.body.ignoredSignals).toEqual([expect.objectContaining({ reason: FOREIGN_PAYLOAD_PROBLEM })]);

    // Every payload of the finished history: only B's own signal is under B's key; B decodes nothing else.
    const payloads = await rawHistoryPayloads();
    const encrypted = payloads.filter((p) => payloadTenant(p) !== undefined);
    // The rest are search attributes and headers (plain by design): none holds the request.
    expect(texts(payloads.filter((p) => payloadTenant(p) === undefined)).join('')).not.toContain(SECRET);
    expect(encrypted.filter((p) => payloadTenant(p) === B)).toHaveLength(1);
    const forB = await codec(
      'decode',
      B_AUDIT,
      encrypted.filter((p) => payloadTenant(p) === A),
    );
    expect(forB.every((p) => Buffer.from(p.metadata!.encoding!).toString() === ENCRYPTED_ENCODING)).toBe(true);
    expect(texts(forB).join('')).not.toContain(SECRET);
    // A's auditor decodes all of A's payloads, the request among them.
    const forA = await codec(
      'decode',
      A_AUDIT,
      encrypted.filter((p) => payloadTenant(p) === A),
    );
    expect(forA.some((p) => Buffer.from(p.metadata!.encoding!).toString() === ENCRYPTED_ENCODING)).toBe(false);
    expect(texts(forA).join('')).toContain(SECRET);
  });

  test('a child takes its tenant from its own start; a new child from the parent that starts it', async () => {
    const store = new ObjectStore(env.config.s3);
    const keys = new TenantKeys(loadKeyring(env.config)!, store);
    const parent = `img-${randomUUID()}`;
    const lookalike = `${parent}-x`;
    const ctx = (workflowId: string) => ({ type: 'workflow' as const, namespace: 'default', workflowId });
    const value = (p: Payload[]): unknown => JSON.parse(Buffer.from(p[0]!.data!).toString());
    // Each run's start input, encoded by its starter's client under the starter's tenant.
    const client = new EncryptionCodec(keys);
    client.bind(parent, A);
    client.bind(lookalike, B);
    const aInput = await client.encode([jsonPayload('a')], ctx(parent));
    const bInput = await client.encode([jsonPayload('b')], ctx(lookalike));
    // What Temporal says of each run's start (the first history event); a run not started yet: undefined.
    const starts: Record<string, { tenant: string; encrypted: boolean }> = {
      [parent]: { tenant: A, encrypted: true },
      [lookalike]: { tenant: B, encrypted: true },
    };
    const looked: string[] = [];
    const worker = new EncryptionCodec(keys, { runTenantChecks: true });
    worker.lookup = async (workflowId) => {
      looked.push(workflowId);
      return starts[workflowId];
    };
    expect(value(await worker.decode(aInput, ctx(parent)))).toBe('a');
    // A child the parent's code starts (not in Temporal yet) is encrypted under the parent's tenant, with no lookup.
    const [childStart] = await worker.encode([jsonPayload('child input')], ctx(`${parent}-image-1`));
    expect(payloadTenant(childStart!)).toBe(A);
    // A batch's cases are named after its batch id (`<id>-case-<case>`), not its workflow id (`batch-<id>`).
    const batchId = `b-${randomUUID().slice(0, 8)}`;
    starts[`batch-${batchId}`] = { tenant: A, encrypted: true };
    client.bind(`batch-${batchId}`, A);
    expect(value(await worker.decode(await client.encode([jsonPayload('batch')], ctx(`batch-${batchId}`)), ctx(`batch-${batchId}`)))).toBe('batch');
    const [caseStart] = await worker.encode([jsonPayload('case input')], ctx(`${batchId}-case-7`));
    expect(payloadTenant(caseStart!)).toBe(A);
    // A workflow started directly with a parent-looking id keeps the tenant of its own start.
    expect(value(await worker.decode(bInput, ctx(lookalike)))).toBe('b');
    expect(isForeignPayload(value(await worker.decode(aInput, ctx(lookalike))))).toBe(true);
    const [reply] = await worker.encode([jsonPayload('r')], ctx(lookalike));
    expect(payloadTenant(reply!)).toBe(B);
    // A plaintext message to an encrypted run is refused too (the raw CLI, no codec).
    expect(isForeignPayload(value(await worker.decode([jsonPayload({ decision: 'approve' })], ctx(parent))))).toBe(true);
    expect(looked).toEqual([parent, `batch-${batchId}`, lookalike]);
    store.destroy();
  });
});
