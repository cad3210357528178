/**
 * Erasure (`image-agent erase --tenant T [--user U]`): a user's memory rows and stored objects go; for a
 * whole tenant, every row and object, and the tenant's data keys are destroyed, so its workflow histories
 * (kept by Temporal until their retention ends) no longer decode for anyone. The erasure itself is recorded
 * in object storage (tenant, pseudonymous user tag, counts, who, when: no personal data).
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { Pool } from 'pg';
import { safeSegment, tenantPrefix } from '../common/objectKeys';
import { Tenant, UserTag } from '../common/searchAttributes';
import { userTag, userTags } from '../common/userTag';
import { loadKeyring } from '../security/keyring';
import { TenantKeys } from '../security/tenantKeys';
import type { Generations } from './generations';

export interface ErasureRecord {
  tenant: string;
  /** The user's pseudonymous tag, never the id. */
  userTag?: string;
  at: string;
  by: string;
  runs: number;
  objects: number;
  rows: Record<string, number>;
  /** Data keys destroyed (whole-tenant erasure): histories of the tenant no longer decode. */
  keysDestroyed: number;
  recordKey: string;
}

const quote = (v: string) => `'${v.replace(/'/g, "''")}'`;

export async function erase(g: Generations, pool: Pool, tenant: string, user?: string): Promise<ErasureRecord> {
  if (!/^[A-Za-z0-9._:@-]{1,128}$/.test(tenant)) throw new Error('not a tenant id');
  const tag = user !== undefined ? userTag(g.config.ids.key, tenant, user) : undefined;
  // The runs, through the search attributes (every kind: generations, sessions, batches).
  const query = [
    `${Tenant.name} = ${quote(tenant)}`,
    ...(user !== undefined ? [`${UserTag.name} IN (${userTags(g.config.ids.key, tenant, user).map(quote).join(', ')})`] : []),
  ].join(' AND ');
  const runIds: string[] = [];
  for await (const info of g.client.workflow.list({ query })) runIds.push(info.workflowId);

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
    rows[table] = (await pool.query(`delete from ${table} where ${condition}`, params)).rowCount ?? 0;
  }
  if (!tag) rows.tenants = (await pool.query('delete from tenants where id = $1', [tenant])).rowCount ?? 0;

  const keyring = loadKeyring(g.config);
  const keysDestroyed = !tag && keyring ? await new TenantKeys(keyring, g.store).destroy(tenant) : 0;

  const at = new Date().toISOString();
  const recordKey = `audit/erasures/${at.replace(/[:.]/g, '-')}-${randomBytes(4).toString('hex')}.json`;
  const record: ErasureRecord = {
    tenant,
    ...(tag ? { userTag: tag } : {}),
    at,
    by: `operator-${os.userInfo().username}`,
    runs: runIds.length,
    objects: doomed.size,
    rows,
    keysDestroyed,
    recordKey,
  };
  await g.store.putJson(recordKey, record);
  return record;
}
