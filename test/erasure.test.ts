/**
 * Erasure stops what it erases (issue 20, finding 5), on the real stack: `erase --user` cancels the user's
 * open run waiting for review before it deletes, so approving it afterwards brings back no report, call
 * records or memory rows; the user is tombstoned and every start path refuses them; a run that does not
 * close within the grace period is terminated; a whole-tenant erasure disables the tenant (no start, no new
 * data key) until `tenant enable`; with Temporal unreachable the erasure changes nothing.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { Pool } from 'pg';
import { generationStatus, reviewGeneration, startGeneration, type Generations } from '../client/generations';
import type { ErasureRecord } from '../client/erasure';
import { submitTurn, turnResult } from '../client/sessionClient';
import { startBatch } from '../client/batches';
import { buildApi } from '../client/api/apiServer';
import { tenantPrefix } from '../common/objectKeys';
import type { GenerateRequest } from '../common/requestSchema';
import { createPool } from '../providers/database';
import { infrastructure } from '../infra/stack';
import { loadKeyring } from '../security/keyring';
import { TenantKeys } from '../security/tenantKeys';
import { runCli } from './support/cli';
import { eventually } from './support/eventually';
import { startTestEnv, type TestEnv } from './support/testEnv';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const REVIEWED = { size: '256x256', maxRounds: 1 } as const;

describe('erasure stops what it erases', () => {
  let env: TestEnv;
  /** No workers on its queue: a run started there never reacts to a cancellation. */
  let idle: TestEnv;
  let pool: Pool;
  const tenant = `er-${randomUUID().slice(0, 8)}`;
  /** The tenant the whole-tenant erasure erases, and an API token of it. */
  const erasedTenant = `er-all-${randomUUID().slice(0, 6)}`;
  const TOKEN = `tok-er-${randomUUID()}`;
  const g = (): Generations => ({ client: env.client, config: env.config, store: env.store });

  const request = (userId: string, t = tenant): GenerateRequest => ({
    request: `a lighthouse at dusk ${randomUUID().slice(0, 6)}`,
    tenantId: t,
    userId,
    options: REVIEWED,
    review: { required: true, onTimeout: 'expire' },
  });

  /** Starts a run that waits for review; returns its id and the candidate it waits on. */
  async function pendingRun(userId: string, t = tenant): Promise<{ id: string; candidateKey: string }> {
    const { workflowId } = await startGeneration(g(), request(userId, t));
    const candidateKey = await eventually(async () => {
      const s = await generationStatus(g(), workflowId, t);
      expect(s.pendingReview?.kind).toBe('result');
      expect(s.pendingReview?.candidateKey).toEqual(expect.any(String));
      return s.pendingReview!.candidateKey!;
    }, 90_000);
    return { id: workflowId, candidateKey };
  }

  const runObjects = (id: string, t = tenant) => env.store.list(`${tenantPrefix(t)}runs/${id}`);
  const memoryRows = async (t: string, userId: string) =>
    Number(
      (
        await pool.query(
          `select (select count(*) from conversation_turns where tenant_id = $1 and user_id = $2)
                + (select count(*) from users where tenant_id = $1 and id = $2) as n`,
          [t, userId],
        )
      ).rows[0].n,
    );
  const statusOf = async (id: string) => (await env.client.workflow.getHandle(id).describe()).status.name;
  const eraseCli = async (args: string[], extraEnv: Record<string, string> = {}) => {
    const out = await runCli(['erase', ...args, '--json'], extraEnv);
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    return JSON.parse(out.stdout) as ErasureRecord;
  };

  beforeAll(async () => {
    env = await startTestEnv({ name: 'erasure', env: { IMAGE_AGENT_API_TOKENS: `${TOKEN}:${erasedTenant}` } });
    idle = await startTestEnv({ name: 'erasure-idle', workers: false });
    pool = createPool(env.config.databaseUrl, 2);
  }, 120_000);
  afterAll(async () => {
    await pool?.end();
    await idle?.stop();
    await env?.stop();
  });

  test("erase --user cancels the user's run waiting for review first: approving it then brings nothing back; other users' runs go on", async () => {
    // A finished run of the user, so there are memory rows and objects to erase.
    const done = await startGeneration(g(), { ...request('rita'), review: { required: false, onTimeout: 'expire' } });
    await env.client.workflow.getHandle(done.workflowId).result();
    expect(await memoryRows(tenant, 'rita')).toBeGreaterThan(0);
    const open = await pendingRun('rita');
    const other = await pendingRun('otto');
    // Her conversation: its session workflow stays open, waiting for the next turn.
    const turn = await submitTurn(
      env.client,
      env.config,
      { tenantId: tenant, userId: 'rita', sessionId: 'chat', options: REVIEWED },
      { request: 'a red kite' },
      undefined,
      env.store,
    );
    await turnResult(env.client, turn);

    const record = await eraseCli(['--tenant', tenant, '--user', 'rita', '--grace', '20s']);
    // Runs: the finished one, the waiting one, the session and its turn; open: the waiting run and the session.
    expect(record).toMatchObject({ tenant, runs: 4, stopped: { cancelled: 2, terminated: 0 }, keysDestroyed: 0, tenantDisabled: false });
    expect(Date.parse(record.tombstonedUntil!)).toBeGreaterThan(Date.now() + 29 * 86_400_000);
    expect(JSON.stringify(record)).not.toContain('rita');
    expect(await statusOf(open.id)).toBe('CANCELLED');
    expect(await statusOf(turn.sessionWorkflowId)).not.toBe('RUNNING');
    expect(await runObjects(turn.workflowId)).toEqual([]);

    // The finding: an approval after the erasure wrote the report, call records and memory rows back.
    await expect(reviewGeneration(g(), open.id, { decision: 'approve', candidateKey: open.candidateKey }, randomUUID(), tenant)).rejects.toThrow();
    expect(await runObjects(open.id)).toEqual([]);
    expect(await runObjects(done.workflowId)).toEqual([]);
    expect(await memoryRows(tenant, 'rita')).toBe(0);

    // The tombstone names the pseudonymous tag only.
    const stone = await pool.query('select * from erasure_tombstones where tenant_id = $1', [tenant]);
    expect(stone.rows).toHaveLength(1);
    expect(stone.rows[0].user_tag).toBe(record.userTag);
    expect(JSON.stringify(stone.rows)).not.toContain('rita');

    // Another user of the tenant is untouched, and still starts.
    expect((await generationStatus(g(), other.id, tenant)).pendingReview?.candidateKey).toBe(other.candidateKey);
    await env.client.workflow.getHandle(other.id).cancel();
  }, 240_000);

  test('a tombstoned user is refused on every start path: generation (API function and CLI), session turn, batch case', async () => {
    await eraseCli(['--tenant', tenant, '--user', 'tomb', '--grace', '1s']);
    await expect(startGeneration(g(), request('tomb'))).rejects.toMatchObject({ name: 'UserErasedError', message: expect.stringMatching(/was erased/) });
    await expect(
      submitTurn(env.client, env.config, { tenantId: tenant, userId: 'tomb', sessionId: 's1' }, { request: 'a kite' }, undefined, env.store),
    ).rejects.toMatchObject({ name: 'UserErasedError' });
    const cli = await runCli(['generate', '--tenant', tenant, '--user', 'tomb', '--size', '256x256', 'a', 'kite']);
    expect(cli.code).not.toBe(0);
    expect(cli.stderr).toMatch(/this user of tenant .* was erased: new runs for them are refused until/);

    // A batch case runs as bench-<batch>-<case>: erasing that user refuses the batch before anything starts.
    const batchId = `er-batch-${randomUUID().slice(0, 6)}`;
    await eraseCli(['--tenant', tenant, '--user', `bench-${batchId}-1`, '--grace', '1s']);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'erasure-'));
    const file = path.join(dir, 'requests.csv');
    fs.writeFileSync(file, 'id,request\n1,a kite\n');
    await expect(startBatch(g(), [file], { batchId, tenantId: tenant, system: 'test' })).rejects.toMatchObject({ name: 'UserErasedError' });
    fs.rmSync(dir, { recursive: true, force: true });
    await expect(env.client.workflow.getHandle(`batch-${batchId}`).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
  }, 120_000);

  test('a run that does not close within the grace period is terminated, and the record counts it', async () => {
    const t = `er-idle-${randomUUID().slice(0, 6)}`;
    // Started on the idle queue: nothing ever runs its cancellation.
    const { workflowId } = await startGeneration({ client: idle.client, config: idle.config, store: idle.store }, request('ida', t));
    const record = await eraseCli(['--tenant', t, '--user', 'ida', '--grace', '1s']);
    expect(record.stopped).toEqual({ cancelled: 1, terminated: 1 });
    expect(await statusOf(workflowId)).toBe('TERMINATED');
  }, 60_000);

  test('a whole-tenant erasure stops its runs and disables the tenant: no start and no new data key until tenant enable', async () => {
    const t = erasedTenant;
    const open = await pendingRun('walt', t);
    const record = await eraseCli(['--tenant', t, '--grace', '20s']);
    expect(record).toMatchObject({ tenant: t, stopped: { cancelled: 1, terminated: 0 }, tenantDisabled: true });
    expect(record.keysDestroyed).toBeGreaterThanOrEqual(1);
    expect(await statusOf(open.id)).toBe('CANCELLED');
    expect(await env.store.list(tenantPrefix(t))).toEqual([]);

    await expect(startGeneration(g(), request('new-user', t))).rejects.toMatchObject({ name: 'TenantDisabledError' });
    const api = buildApi(g());
    try {
      await api.listen({ host: '127.0.0.1', port: 0 });
      const answer = await fetch(`http://127.0.0.1:${(api.server.address() as AddressInfo).port}/v1/generations`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ request: 'a kite', userId: 'new-user' }),
      });
      expect(answer.status).toBe(403);
      expect(await answer.json()).toEqual({ error: expect.stringMatching(/is disabled \(it was erased\)/) });
    } finally {
      await api.close();
    }
    const cli = await runCli(['generate', '--tenant', t, '--user', 'x', '--size', '256x256', 'a', 'kite']);
    expect(cli.code).not.toBe(0);
    expect(cli.stderr).toMatch(/tenant .* is disabled \(it was erased\): an admin re-enables it with `image-agent tenant enable/);
    // What an open run's worker would do once its cached key expires: make a new key. Refused, and none is written.
    const keys = new TenantKeys(loadKeyring(env.config)!, env.store);
    await expect(keys.encryptionKey(t)).rejects.toMatchObject({ name: 'TenantDisabledError' });
    expect(await env.store.list(`keyring/tenants/${t}/`)).toEqual([]);

    const enabled = await runCli(['tenant', 'enable', '--tenant', t]);
    expect(enabled).toMatchObject({ code: 0, stdout: `tenant ${t} enabled\n` });
    await expect(keys.encryptionKey(t)).resolves.toMatchObject({ tenant: t });
    const again = await startGeneration(g(), { ...request('new-user', t), review: { required: false, onTimeout: 'expire' } });
    await expect(env.client.workflow.getHandle(again.workflowId).result()).resolves.toMatchObject({ outcome: expect.any(String) });
  }, 240_000);

  test('Postgres down: a start waits for the tombstone check, says so, and once Postgres is back an erased user is still refused', async () => {
    await eraseCli(['--tenant', tenant, '--user', 'pat', '--grace', '1s']);
    const postgres = infrastructure(env.config).find((s) => s.name === 'postgres')!;
    const said = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      expect(await postgres.stop()).toBe(true);
      const settled: string[] = [];
      const erased = startGeneration(g(), request('pat')).then(
        () => settled.push('erased started'),
        (err: Error) => settled.push(err.name),
      );
      const kept = startGeneration(g(), { ...request('kim'), review: { required: false, onTimeout: 'expire' } }).then(
        (r) => settled.push(`kim ${r.workflowId}`),
        (err: Error) => settled.push(`kim ${err.name}`),
      );
      await eventually(
        async () => expect(said.mock.calls.flat().join('\n')).toMatch(/Postgres is unreachable; waiting up to 10 minutes to check erasure tombstones/),
        30_000,
      );
      expect(settled).toEqual([]);
      await postgres.start(() => undefined);
      await Promise.all([erased, kept]);
      expect(settled).toContain('UserErasedError');
      const kim = settled.find((x) => x.startsWith('kim '))!;
      expect(kim).toMatch(/^kim img-/);
      await env.client.workflow.getHandle(kim.slice(4)).result();
    } finally {
      said.mockRestore();
      if (!(await postgres.healthy())) await postgres.start(() => undefined);
    }
  }, 180_000);

  test('with Temporal unreachable, erase fails with a clear message and has changed nothing', async () => {
    const t = `er-down-${randomUUID().slice(0, 6)}`;
    await pool.query('insert into tenants (id) values ($1)', [t]);
    await pool.query('insert into users (tenant_id, id) values ($1, $2)', [t, 'dora']);
    const out = await runCli(['erase', '--tenant', t, '--user', 'dora'], { TEMPORAL_ADDRESS: '127.0.0.1:1' });
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(/Temporal is unreachable/);
    expect(await memoryRows(t, 'dora')).toBe(1);
    expect((await pool.query('select 1 from erasure_tombstones where tenant_id = $1', [t])).rowCount).toBe(0);
    const whole = await runCli(['erase', '--tenant', t], { TEMPORAL_ADDRESS: '127.0.0.1:1' });
    expect(whole.code).toBe(1);
    expect(await env.store.exists(`keyring/disabled-tenants/${t}.json`)).toBe(false);
  }, 120_000);
});
