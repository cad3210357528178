/**
 * Erasure (`image-agent erase --tenant T [--user U]`): a user's memory rows and stored objects go; for a
 * whole tenant, every row and object, and the tenant's data keys are destroyed, so its workflow histories
 * (kept by Temporal until their retention ends) no longer decode for anyone. The erasure itself is recorded
 * in object storage (tenant, pseudonymous user tag, counts, who, when: no personal data).
 *
 * Nothing erased may come back, so the order matters:
 *   1. the runs are listed (Temporal unreachable: the erasure fails here, having changed nothing);
 *   2. new runs are refused: the user is tombstoned (client/erasureTombstones.ts), or the tenant disabled, which
 *      also stops any process making it a new data key (security/tenantStatus.ts);
 *   3. open runs are cancelled, and terminated after the grace period (client/stopOpenRuns.ts);
 *   4. only then rows and objects are deleted, and for a whole tenant its keys destroyed.
 */
import { visibilityString as quote } from './visibilityString';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { Pool } from 'pg';
import { safeSegment, tenantPrefix } from '../common/objectKeys';
import { Tenant, UserTag } from '../common/searchAttributes';
import { userTag, userTags } from '../common/userTag';
import { loadKeyring } from '../security/keyring';
import { tenantKeysFor } from '../security/tenantKeys';
import { disableTenant } from '../security/tenantStatus';
import { tombstoneUser } from './erasureTombstones';
import type { Generations } from './generations';
import { waitingOutPostgres } from './outageWait';
import { stopOpenRuns } from './stopOpenRuns';

export interface ErasureRecord {
  tenant: string;
  /** The user's pseudonymous tag, never the id. */
  userTag?: string;
  at: string;
  by: string;
  runs: number;
  /** Open runs stopped before anything was deleted: asked to cancel, and terminated after the grace period. */
  stopped: { cancelled: number; terminated: number };
  objects: number;
  rows: Record<string, number>;
  /** Data keys destroyed (whole-tenant erasure): histories of the tenant no longer decode. */
  keysDestroyed: number;
  /** User erasure: new runs of the user are refused until then. */
  tombstonedUntil?: string;
  /** Whole-tenant erasure: the tenant stays disabled (no starts, no new data key) until an admin re-enables it. */
  tenantDisabled: boolean;
  recordKey: string;
}

export interface EraseRequest {
  tenant: string;
  /** Only this user; the whole tenant when absent. */
  user?: string;
  /** How long open runs get to close after the cancellation before they are terminated. */
  graceMs: number;
}

export async function erase(g: Generations, pool: Pool, req: EraseRequest): Promise<ErasureRecord> {
  const { tenant, user } = req;
  if (!/^[A-Za-z0-9._:@-]{1,128}$/.test(tenant)) throw new Error('not a tenant id');
  const tag = user !== undefined ? userTag(g.config.ids.key, tenant, user) : undefined;
  // The runs, through the search attributes (every kind: generations, sessions, batches).
  const query = [
    `${Tenant.name} = ${quote(tenant)}`,
    ...(user !== undefined ? [`${UserTag.name} IN (${userTags(g.config.ids.key, tenant, user).map(quote).join(', ')})`] : []),
  ].join(' AND ');
  const runIds = new Set<string>();
  for await (const info of g.client.workflow.list({ query })) runIds.add(info.workflowId);

  const at = new Date();
  const by = `operator-${os.userInfo().username}`;
  const tombstonedUntil = tag ? await tombstoneUser(g.config, pool, tenant, tag, at) : undefined;
  if (!tag) await disableTenant(g.store, { tenant, at: at.toISOString(), by, reason: 'erased' });
  const stopped = await stopOpenRuns(g.client, query, req.graceMs);
  for (const id of stopped.workflowIds) runIds.add(id);

  // Objects of those runs (children's ids start with their parent's), and the tenant's own prefix.
  const doomed = new Set<string>();
  for (const id of runIds) {
    // Current keys live under the tenant's prefix; runs from before tenant prefixes under runs/.
    for (const prefix of [`${tenantPrefix(tenant)}runs/${safeSegment(id)}`, `runs/${safeSegment(id)}`]) {
      for (const key of await g.store.list(prefix)) if (key[prefix.length] === '/' || key[prefix.length] === '-') doomed.add(key);
    }
  }
  if (!tag) for (const key of await g.store.list(tenantPrefix(tenant))) doomed.add(key);
  await g.store.remove([...doomed]);

  // Memory rows, children before parents.
  const rows: Record<string, number> = {};
  const where = user !== undefined ? 'tenant_id = $1 and user_id = $2' : 'tenant_id = $1';
  const params = user !== undefined ? [tenant, user] : [tenant];
  for (const table of ['knowledge_items', 'conversation_turns', 'profile_updates', 'users']) {
    const condition = table === 'users' ? where.replace('user_id', 'id') : where;
    const deleted = await waitingOutPostgres(g.config, 'delete the memory rows', () => pool.query(`delete from ${table} where ${condition}`, params));
    rows[table] = deleted.rowCount ?? 0;
  }
  if (!tag)
    rows.tenants = (await waitingOutPostgres(g.config, 'delete the tenant', () => pool.query('delete from tenants where id = $1', [tenant]))).rowCount ?? 0;

  const keyring = loadKeyring(g.config);
  const keysDestroyed = !tag && keyring ? await tenantKeysFor(g.config, keyring, g.store).destroy(tenant) : 0;

  const recordKey = `audit/erasures/${at.toISOString().replace(/[:.]/g, '-')}-${randomBytes(4).toString('hex')}.json`;
  const record: ErasureRecord = {
    tenant,
    ...(tag ? { userTag: tag } : {}),
    at: at.toISOString(),
    by,
    runs: runIds.size,
    stopped: { cancelled: stopped.cancelled, terminated: stopped.terminated },
    objects: doomed.size,
    rows,
    keysDestroyed,
    ...(tombstonedUntil ? { tombstonedUntil: tombstonedUntil.toISOString() } : {}),
    tenantDisabled: !tag,
    recordKey,
  };
  await g.store.putJson(recordKey, record);
  return record;
}
