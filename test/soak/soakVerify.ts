/**
 * What the soak found, read from the sources of truth — Temporal's visibility and histories, the S3
 * bucket, the database, the fake model server's call log, the webhook receiver — never from the
 * workers' own logs.
 */
import fs from 'node:fs';
import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import type { Pool } from 'pg';
import { loadConfig } from '../../config/loadConfig';
import { createEncryption, type Encryption } from '../../security/dataConverter';
import { reportKey, safeSegment, tenantPrefix } from '../../common/objectKeys';
import { Tenant } from '../../common/searchAttributes';
import type { ObjectStore } from '../../providers/objectStore';
import type { FakeOpenAIServer } from '../fakeOpenAI/fakeOpenAIServer';
import { dumpHistory } from '../support/history';
import type { SoakLoad } from './soakLoad';
import type { WebhookReceiver } from './webhookReceiver';

export interface Check {
  name: string;
  value: number | string;
  expected: string;
  ok: boolean;
  detail?: string[];
}

interface RenderRecord {
  workflowId: string;
  key: string;
  reRendered: boolean;
  fromSpool: boolean;
}

const OPEN = 'RUNNING';
/** Typed failures the policy allows a run to end with: refusals, and a model that answered invalid output three times. */
const ALLOWED_FAILURES = ['ContentPolicyRefusal', 'ModelRefusal', 'InvalidModelOutput'];

/** A history payload as JSON, decoded through the payload codec first (histories are encrypted by default). */
async function decodePayload(encryption: Encryption, p: Payload | null | undefined): Promise<unknown> {
  if (!p?.data) return undefined;
  try {
    const plain = (await encryption.decode([p]))[0]!;
    return JSON.parse(Buffer.from(plain.data ?? new Uint8Array()).toString('utf8'));
  } catch {
    return undefined;
  }
}

export async function verifySoak(args: {
  client: Client;
  store: ObjectStore;
  pool: Pool;
  /** The primary model server (under chaos) and the fallback link's. */
  fakes: FakeOpenAIServer[];
  receiver: WebhookReceiver;
  load: SoakLoad;
  tenantId: string;
  secrets: string[];
  logFiles: string[];
}): Promise<{ checks: Check[]; figures: Record<string, number> }> {
  const { client, store, pool, fakes, receiver, load, tenantId } = args;
  const requests = fakes.flatMap((f) => f.requests);
  const encryption = createEncryption(loadConfig());
  const executions: WorkflowExecutionInfo[] = [];
  for await (const w of client.workflow.list({ query: `${Tenant.name} = '${tenantId}'` })) executions.push(w);
  const byId = new Map(executions.map((e) => [e.workflowId, e]));

  // Lost: a run the soak started that Temporal does not know.
  const expectedIds = [...load.runs.map((r) => r.workflowId), ...load.sessionWorkflowIds, ...(load.batchWorkflowId ? [load.batchWorkflowId] : [])];
  const lost = expectedIds.filter((id) => !byId.has(id));

  // Stuck: open at the end, or a workflow task that failed twice or more.
  const open = executions.filter((e) => e.status.name === OPEN && e.type !== 'session');
  const taskFailures: string[] = [];
  const renders: RenderRecord[] = [];
  const historySecrets: string[] = [];
  for (const e of executions) {
    const handle = client.workflow.getHandle(e.workflowId, e.runId);
    const dump = await dumpHistory(handle, encryption);
    for (const secret of args.secrets) if (dump.payloadTexts.some((t) => t.includes(secret))) historySecrets.push(`${e.workflowId}: ${secret.slice(0, 4)}…`);
    const events = dump.history.events ?? [];
    const failedTasks = events.filter((ev) => ev.workflowTaskFailedEventAttributes).length;
    if (failedTasks >= 2) taskFailures.push(`${e.workflowId} (${failedTasks} failed workflow tasks)`);
    const scheduled = new Map<string, string>();
    for (const ev of events) {
      const s = ev.activityTaskScheduledEventAttributes;
      if (s) scheduled.set(String(ev.eventId), s.activityType?.name ?? '');
      const c = ev.activityTaskCompletedEventAttributes;
      if (c && scheduled.get(String(c.scheduledEventId)) === 'renderImage') {
        const result = (await decodePayload(encryption, c.result?.payloads?.[0] as Payload | undefined)) as
          { image: { key: string }; reRendered?: boolean; fromSpool?: boolean } | undefined;
        if (result)
          renders.push({ workflowId: e.workflowId, key: result.image.key, reRendered: result.reRendered === true, fromSpool: result.fromSpool === true });
      }
    }
  }
  const failed = executions.filter((e) => e.status.name === 'FAILED');
  const failedDetail: string[] = [];
  const disallowedFailures: string[] = [];
  for (const e of failed) {
    const err = await client.workflow
      .getHandle(e.workflowId, e.runId)
      .result()
      .catch((x: unknown) => x as { cause?: { type?: string; cause?: { type?: string }; message?: string } });
    const type =
      (err as { cause?: { type?: string; cause?: { type?: string } } })?.cause?.cause?.type ?? (err as { cause?: { type?: string } })?.cause?.type ?? 'unknown';
    failedDetail.push(`${e.workflowId}: ${type}`);
    if (!ALLOWED_FAILURES.includes(type)) disallowedFailures.push(`${e.workflowId}: ${type}`);
  }

  // S3: exactly one object per candidate the histories name.
  const candidateKeys = new Set(renders.map((r) => r.key));
  const duplicateCandidates = renders.length - candidateKeys.size;
  const renderingRuns = new Set(executions.filter((e) => e.type === 'generateImage' || e.type === 'generateImagePart').map((e) => e.workflowId));
  const objects: string[] = [];
  for (const id of renderingRuns)
    objects.push(...(await store.list(`${tenantPrefix(tenantId)}runs/${safeSegment(id)}/`)).filter((k) => /\/image-\d+\/round-\d+\.png$/.test(k)));
  const orphans = objects.filter((k) => !candidateKeys.has(k));
  const missing = [...candidateKeys].filter((k) => !objects.includes(k));

  // Database: one turn row per completed run that remembered, no duplicate profile updates.
  const completedRuns = executions.filter((e) => e.type === 'generateImage' && e.status.name === 'COMPLETED').map((e) => e.workflowId);
  const rows = (
    await pool.query<{ workflow_id: string; n: string }>(
      'select workflow_id, count(*) as n from conversation_turns where tenant_id = $1 group by workflow_id',
      [tenantId],
    )
  ).rows;
  const rowCount = new Map(rows.map((r) => [r.workflow_id, Number(r.n)]));
  const duplicateRows = rows.filter((r) => Number(r.n) > 1).map((r) => r.workflow_id);
  const degradedMemory = new Set<string>();
  for (const id of completedRuns) {
    const result = (await client.workflow
      .getHandle(id)
      .result()
      .catch(() => undefined)) as { degraded?: { stage: string }[] } | undefined;
    if (result?.degraded?.some((d) => d.stage === 'remember')) degradedMemory.add(id);
  }
  const missingRows = completedRuns.filter((id) => !rowCount.has(id) && !degradedMemory.has(id));
  const strayRows = rows.map((r) => r.workflow_id).filter((id) => !completedRuns.includes(id));
  const profileDuplicates =
    (
      await pool.query<{ n: string }>(
        'select count(*) as n from (select workflow_id from profile_updates where tenant_id = $1 group by tenant_id, user_id, workflow_id having count(*) > 1) d',
        [tenantId],
      )
    ).rows[0]?.n ?? '0';

  // Billing: image requests the provider answered are paid; each is a candidate or a recorded re-render.
  const paid = requests.filter((r) => (r.route === 'images.generate' || r.route === 'images.edit') && (!r.injected || r.injected === 'slow')).length;
  const recordedReRenders = renders.filter((r) => r.reRendered).length;

  // Webhooks: every event at least once; one event per idempotency key.
  const webhookRuns = load.runs.filter((r) => r.webhook && byId.get(r.workflowId)?.status.name === 'COMPLETED');
  const undelivered = webhookRuns
    .filter((r) => !receiver.deliveries.some((d) => d.workflowId === r.workflowId && d.event === 'completed'))
    .map((r) => r.workflowId);
  const reviewUndelivered = webhookRuns
    .filter((r) => r.review && !receiver.deliveries.some((d) => d.workflowId === r.workflowId && d.event === 'review_needed'))
    .map((r) => r.workflowId);
  const bodiesByKey = new Map<string, Set<string>>();
  for (const d of receiver.deliveries) (bodiesByKey.get(d.idempotencyKey) ?? bodiesByKey.set(d.idempotencyKey, new Set()).get(d.idempotencyKey)!).add(d.body);
  const conflictingKeys = [...bodiesByKey].filter(([, bodies]) => bodies.size > 1).map(([k]) => k);

  // Secrets: histories (decoded), logs, reports.
  const logSecrets: string[] = [];
  for (const file of args.logFiles) {
    const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
    for (const secret of args.secrets) if (text.includes(secret)) logSecrets.push(`${file}: ${secret.slice(0, 4)}…`);
  }
  const reportSecrets: string[] = [];
  for (const id of completedRuns) {
    const text = await store
      .get(reportKey(tenantId, id))
      .then((b) => b.toString('utf8'))
      .catch(() => '');
    for (const secret of args.secrets) if (text.includes(secret)) reportSecrets.push(`${id}: ${secret.slice(0, 4)}…`);
  }

  // Spend ledger: nothing left reserved once every run ended, and each counter equal to what its reservations say.
  const ledger = await ledgerState(pool, tenantId);

  const check = (name: string, value: number, expected: string, ok: boolean, detail: string[] = []): Check => ({
    name,
    value,
    expected,
    ok,
    ...(detail.length ? { detail: detail.slice(0, 20) } : {}),
  });
  const checks: Check[] = [
    check('runs lost', lost.length, '0', lost.length === 0, lost),
    check(
      'runs stuck (open at the end)',
      open.length,
      '0',
      open.length === 0,
      open.map((e) => `${e.type} ${e.workflowId}`),
    ),
    check('runs stuck (workflow task failed twice or more)', taskFailures.length, '0', taskFailures.length === 0, taskFailures),
    check('runs failed with a reason the policy does not allow', disallowedFailures.length, '0', disallowedFailures.length === 0, disallowedFailures),
    check('duplicate candidates', duplicateCandidates, '0', duplicateCandidates === 0),
    check('orphan objects', orphans.length, '0', orphans.length === 0, orphans),
    check('candidates missing from S3', missing.length, '0', missing.length === 0, missing),
    check('duplicate turn rows', duplicateRows.length, '0', duplicateRows.length === 0, duplicateRows),
    check('completed runs without their turn row', missingRows.length, '0', missingRows.length === 0, missingRows),
    check('turn rows of runs that did not complete', strayRows.length, '0', strayRows.length === 0, strayRows),
    check('duplicate profile updates', Number(profileDuplicates), '0', Number(profileDuplicates) === 0),
    check(
      'paid renders − candidates − recorded re-renders',
      paid - candidateKeys.size - recordedReRenders,
      '≤ 0',
      paid <= candidateKeys.size + recordedReRenders,
    ),
    check('paid renders − candidates', paid - candidateKeys.size, '≥ 0', paid >= candidateKeys.size),
    check('webhook runs without a completed delivery', undelivered.length, '0', undelivered.length === 0, undelivered),
    check('review runs without a review_needed delivery', reviewUndelivered.length, '0', reviewUndelivered.length === 0, reviewUndelivered),
    check('idempotency keys with two different events', conflictingKeys.length, '0', conflictingKeys.length === 0, conflictingKeys),
    check('secrets in histories (decoded)', historySecrets.length, '0', historySecrets.length === 0, historySecrets),
    check('secrets in logs', logSecrets.length, '0', logSecrets.length === 0, logSecrets),
    check('secrets in reports', reportSecrets.length, '0', reportSecrets.length === 0, reportSecrets),
    check('spend reservations left open', ledger.open.length, '0', ledger.open.length === 0, ledger.open),
    check('spend counters that disagree with their reservations', ledger.drift.length, '0', ledger.drift.length === 0, ledger.drift),
    check('load errors', load.errors.length, '0', load.errors.length === 0, load.errors),
  ];
  const figures = {
    workflows: executions.length,
    generations: executions.filter((e) => e.type === 'generateImage').length,
    completed: executions.filter((e) => e.status.name === 'COMPLETED').length,
    failed: failed.length,
    candidates: candidateKeys.size,
    paidRenders: paid,
    reRendersRecorded: recordedReRenders,
    uploadsFromSpool: renders.filter((r) => r.fromSpool).length,
    modelRequests: requests.length,
    fallbackRequests: fakes.slice(1).reduce((n, f) => n + f.requests.length, 0),
    faultsInjected: requests.filter((r) => r.injected).length,
    ledgerReservations: ledger.reservations,
    ledgerSettledMicroUsd: Math.round(ledger.settledUsd * 1e6),
    webhookDeliveries: receiver.deliveries.length,
    turnRows: rows.length,
    memoryDegradedRuns: degradedMemory.size,
  };
  if (failedDetail.length)
    checks.push({
      name: 'failed runs (detail)',
      value: failedDetail.length,
      expected: 'allowed types only',
      ok: disallowedFailures.length === 0,
      detail: failedDetail.slice(0, 20),
    });
  encryption.close();
  return { checks, figures };
}

/** The tenant's reservations, and each counter against the sum of the reservations that touch it. */
async function ledgerState(pool: Pool, tenantId: string): Promise<{ reservations: number; settledUsd: number; open: string[]; drift: string[] }> {
  const all = await pool.query<{ id: string; state: string; actual_usd: string | null; reserved_usd: string }>(
    'select id, state, actual_usd, reserved_usd from spend_reservations where tenant_id = $1',
    [tenantId],
  );
  const counters = await pool.query<{ key: string; committed_usd: string; expected: string | null }>(
    `select c.key, c.committed_usd,
            (select sum(case r.state when 'reserved' then r.reserved_usd when 'settled' then r.actual_usd else 0 end)
               from spend_reservations r where c.key = any(r.counter_keys)) as expected
       from spend_counters c where c.tenant_id = $1`,
    [tenantId],
  );
  return {
    reservations: all.rows.length,
    settledUsd: all.rows.reduce((sum, r) => sum + (r.state === 'settled' ? Number(r.actual_usd) : 0), 0),
    open: all.rows.filter((r) => r.state === 'reserved').map((r) => r.id),
    drift: counters.rows
      .filter((c) => Math.abs(Number(c.committed_usd) - Number(c.expected ?? 0)) > 1e-9)
      .map((c) => `${c.key}: ${c.committed_usd} against ${c.expected ?? 0}`),
  };
}
