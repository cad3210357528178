/**
 * Tenants as a policy (issue 23), on the real stack:
 *  - a tenant's admin changes its policy through the API; each change is versioned and recorded (who, when,
 *    before, after); a stale `expectedVersion` is refused with 409, a principal without admin with 403;
 *  - another tenant's policy is invisible and untouched;
 *  - a start is clamped by its tenant's policy and says so: the answer, the run's memo and its report name the
 *    version and each clamp; the run itself renders no more rounds than the policy allows;
 *  - with Postgres down, starts use the last policy the process read, and say how old it is;
 *  - the CLI shows, changes, lists and audits a policy, and refuses a change that breaks the policy's own rules;
 *  - past a cap on open or queued runs a start is refused with 429 and Retry-After, and nothing starts; a batch
 *    is admitted with its concurrency cut to the cap, and says so.
 */
import { randomUUID } from 'node:crypto';
import type { GenerateImageInput } from '../common/request';
import type { GenerateImageResult } from '../common/runResult';
import { tenantPolicies } from '../client/tenantPolicies';
import { tenantRunCounts } from '../client/tenantCaps';
import { startBatch } from '../client/batches';
import { idempotentWorkflowId } from '../client/generations';
import { eventually } from './support/eventually';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createPool } from '../providers/database';
import { runCli } from './support/cli';
import { listenApi, type InProcessApi } from './support/inProcessApi';
import { startTestEnv, type TestEnv } from './support/testEnv';
import { registry, tenantPolicyStaleReads } from '../telemetry/appMetrics';
import { policyCacheLine } from '../client/commands/doctor';

const ACME = `policy-acme-${randomUUID().slice(0, 6)}`;
const GLOBEX = `policy-globex-${randomUUID().slice(0, 6)}`;
const ADMIN = `tok-admin-${randomUUID()}`;
const SUBMITTER = `tok-sub-${randomUUID()}`;
const AUDITOR = `tok-aud-${randomUUID()}`;
const GLOBEX_ADMIN = `tok-globex-${randomUUID()}`;

describe('tenant policy', () => {
  let env: TestEnv;
  let api: InProcessApi;

  beforeAll(async () => {
    env = await startTestEnv({
      name: 'tenant-policy',
      env: {
        IMAGE_AGENT_API_TOKENS: [
          `${ADMIN}:${ACME}:ada:admin`,
          `${SUBMITTER}:${ACME}:sam:submit`,
          `${AUDITOR}:${ACME}:aud:audit`,
          `${GLOBEX_ADMIN}:${GLOBEX}:gil:admin`,
        ].join(','),
        IMAGE_AGENT_TENANT_POLICY_CACHE_SECONDS: '0',
      },
    });
    api = await listenApi(env);
  });
  afterAll(async () => {
    await api?.close();
    await env?.stop();
  });

  test("an admin changes its tenant's policy: versioned, recorded, refused when stale or not an admin; another tenant sees none of it", async () => {
    const before = await api.call('GET', '/v1/tenant/policy', SUBMITTER);
    expect(before.body).toMatchObject({ tenantId: ACME, version: 0, source: 'default', policy: { maxRounds: 10 } });

    expect((await api.call('POST', '/v1/tenant/policy', SUBMITTER, { maxRounds: 2 })).status).toBe(403);
    const first = await api.call('POST', '/v1/tenant/policy', ADMIN, { maxRounds: 2, allowedAblations: ['noSearch'], expectedVersion: 0 });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ version: 1, policy: { maxRounds: 2, allowedAblations: ['noSearch'], maxImages: 12 } });
    const stale = await api.call('POST', '/v1/tenant/policy', ADMIN, { maxRounds: 3, expectedVersion: 0 });
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatch(/version 1, not 0/);
    const second = await api.call('POST', '/v1/tenant/policy', ADMIN, { review: { required: true }, expectedVersion: 1 });
    expect(second.body).toMatchObject({ version: 2, policy: { maxRounds: 2, review: { required: true } } });

    const changes = await api.call('GET', '/v1/tenant/policy/changes', AUDITOR);
    expect(changes.body.changes).toEqual([
      expect.objectContaining({ version: 2, changedBy: 'ada', oldPolicy: expect.objectContaining({ review: expect.objectContaining({ required: false }) }) }),
      expect.objectContaining({ version: 1, changedBy: 'ada', oldPolicy: null, newPolicy: expect.objectContaining({ maxRounds: 2 }) }),
    ]);
    expect((await api.call('GET', '/v1/tenant/policy/changes', SUBMITTER)).status).toBe(403);

    // The other tenant: its own defaults, no changes, and no way to name ACME.
    expect((await api.call('GET', '/v1/tenant/policy', GLOBEX_ADMIN)).body).toMatchObject({ tenantId: GLOBEX, version: 0 });
    expect((await api.call('GET', '/v1/tenant/policy/changes', GLOBEX_ADMIN)).body.changes).toEqual([]);
    expect((await api.call('POST', '/v1/tenant/policy', GLOBEX_ADMIN, { maxRounds: 1, tenantId: ACME })).status).toBe(400);
    expect((await api.call('GET', '/v1/tenant/policy', ADMIN)).body).toMatchObject({ version: 2, policy: { maxRounds: 2 } });

    // Back to an open review rule for the next test.
    expect((await api.call('POST', '/v1/tenant/policy', ADMIN, { review: { required: false } })).body.version).toBe(3);
  });

  test('a start is clamped by its tenant’s policy: the answer, the memo and the report say so, and the run keeps to it', async () => {
    const started = await api.call('POST', '/v1/generations', SUBMITTER, {
      request: 'a kite over dunes',
      userId: 'sam',
      options: { size: '256x256', maxRounds: 5, ablations: { noSearch: true, noMemory: true } },
    });
    expect(started.status).toBe(202);
    expect(started.body.policyVersion).toBe(3);
    expect(started.body.clamped).toEqual([
      expect.objectContaining({ field: 'options.maxRounds', requested: 5, applied: 2 }),
      expect.objectContaining({ field: 'options.ablations.noMemory', requested: true, applied: false }),
    ]);
    const handle = env.client.workflow.getHandle(started.body.workflowId as string);
    const result: GenerateImageResult = await handle.result();
    expect(result.images[0]!.candidates.length).toBeLessThanOrEqual(2);
    expect((await handle.describe()).memo).toMatchObject({ policyVersion: 3, clamped: ['options.maxRounds', 'options.ablations.noMemory'], maxRounds: 2 });
    const report = await api.call('GET', `/v1/generations/${handle.workflowId}/report`, SUBMITTER);
    const input = report.body.input as GenerateImageInput;
    expect(input.policy).toMatchObject({ version: 3, clamped: [expect.objectContaining({ field: 'options.maxRounds' }), expect.anything()] });
    expect(input.options).toMatchObject({ maxRounds: 2, ablations: { noSearch: true } });
    expect(input.options?.ablations).not.toHaveProperty('noMemory');
  });

  test('with Postgres down a start uses the last policy this process read, and says how old it is; so do its metrics, which doctor reads', async () => {
    const reachable = tenantPolicies(env.config);
    const read = await reachable.current(ACME);
    const staleBefore = (await tenantPolicyStaleReads.get()).values[0]?.value ?? 0;
    // A pool to a port nothing listens on: a real connection refusal, classified as a Postgres outage.
    const down = createPool('postgres://postgres@127.0.0.1:1/postgres', 1, { allowExitOnIdle: true });
    try {
      const stale = await tenantPolicies(env.config, down).current(ACME);
      expect(stale).toMatchObject({ version: read.version, policy: read.policy });
      expect(stale.staleForMs).toBeGreaterThanOrEqual(0);
      expect((await tenantPolicyStaleReads.get()).values[0]?.value).toBe(staleBefore + 1);
      expect(policyCacheLine('api', await registry.metrics())).toMatch(
        new RegExp(`^ +api: last read a tenant policy from Postgres \\d+ s ago; ${staleBefore + 1} starts used a stale one$`),
      );
    } finally {
      await down.end();
    }
  });

  test('the CLI shows, changes, lists and audits a policy, and refuses a change that breaks its own rules', async () => {
    const tenant = `policy-cli-${randomUUID().slice(0, 6)}`;
    const shown = await runCli(['tenant', 'show', '--tenant', tenant]);
    expect(shown.stdout).toMatch(/policy version\s+0 \(the configured defaults/);
    const set = await runCli(['tenant', 'set', '--tenant', tenant, '--four-eyes', 'true', '--max-images', '2', '--by', 'ops-olga', '--json']);
    expect(set.code).toBe(0);
    expect(JSON.parse(set.stdout)).toMatchObject({ version: 1, policy: { maxImages: 2, review: { fourEyes: true } } });
    const refused = await runCli(['tenant', 'set', '--tenant', tenant, '--allow-approve-best', 'true']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/a four-eyes tenant cannot allow approve_best/);
    expect((await runCli(['tenant', 'set', '--tenant', tenant, '--four-eyes', 'maybe'])).stderr).toMatch(/--four-eyes takes true or false/);
    expect((await runCli(['tenant', 'list'])).stdout).toContain(`${tenant}  version 1`);
    const changes = await runCli(['tenant', 'changes', '--tenant', tenant, '--json']);
    expect(JSON.parse(changes.stdout)).toEqual([expect.objectContaining({ version: 1, changedBy: 'ops-olga', oldPolicy: null })]);
  });

  test('past a cap a start answers 429 with Retry-After and starts nothing; a batch is admitted in slices that fit', async () => {
    const capped = `policy-cap-${randomUUID().slice(0, 6)}`;
    const token = `tok-cap-${randomUUID()}`;
    const idle = await startTestEnv({
      name: 'policy-cap-idle',
      workers: false,
      env: { IMAGE_AGENT_API_TOKENS: `${token}:${capped}:cat:submit`, IMAGE_AGENT_TENANT_POLICY_CACHE_SECONDS: '0' },
    });
    const idleApi = await listenApi(idle);
    try {
      await tenantPolicies(idle.config).change(capped, { maxQueuedRuns: 1, maxOpenRuns: 5 }, 'test');
      const first = await idleApi.call('POST', '/v1/generations', token, { request: 'a kite', userId: 'cat' });
      expect(first.status).toBe(202);
      // Nothing polls this queue, so the run waits for a worker: queued, as visibility soon says.
      await eventually(async () => expect(await tenantRunCounts(idle, capped)).toEqual({ open: 1, queued: 1 }), 30_000);
      const key = randomUUID();
      const res = await fetch(`${idleApi.base}/v1/generations`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': key },
        body: JSON.stringify({ request: 'another kite', userId: 'cat' }),
      });
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('30');
      expect(((await res.json()) as { error: string }).error).toMatch(/1 runs waiting for a worker, and its policy allows 1/);
      await expect(idle.client.workflow.getHandle(idempotentWorkflowId(capped, key)).describe()).rejects.toThrow();
      // The CLI says why, too.
      const cli = await runCli(['generate', '--tenant', capped, 'a third kite'], { IMAGE_AGENT_TASK_QUEUE: idle.taskQueue });
      expect(cli.code).toBe(1);
      expect(cli.stderr).toMatch(/runs waiting for a worker, and its policy allows 1/);

      // A batch is not refused: its cases come at most as many at a time as the caps allow.
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cap-batch-'));
      const jsonl = path.join(dir, 'three.jsonl');
      fs.writeFileSync(jsonl, ['a', 'b', 'c'].map((r) => JSON.stringify({ id: r, request: `a cup ${r}` })).join('\n'));
      const started = await startBatch(idle, [jsonl], { batchId: `cap-${randomUUID().slice(0, 6)}`, tenantId: capped, system: 'test', concurrency: 8 });
      expect(started.concurrency).toBe(1);
      expect(started.clamped).toContainEqual(expect.objectContaining({ field: 'concurrency', requested: 8, applied: 1 }));
      await idle.client.workflow.getHandle(started.workflowId).terminate('test done');
      await idle.client.workflow.getHandle(first.body.workflowId as string).terminate('test done');
      fs.rmSync(dir, { recursive: true, force: true });
    } finally {
      await idleApi.close();
      await idle.stop();
    }
  });
});
