/**
 * The check every start path makes before it writes or starts anything (generations, session turns, batch
 * cases): a tenant an erasure disabled, or a user an erasure tombstoned, gets no new run. Two lookups in
 * parallel: one object HEAD (the tenant's marker) and one Postgres query (the users' tombstones).
 */
import type { AppConfig } from '../common/config';
import { userTag } from '../common/userTag';
import type { ObjectStore } from '../providers/objectStore';
import { isTenantDisabled, TenantDisabledError } from '../security/tenantStatus';
import { tombstonedUntil, UserErasedError } from './erasureTombstones';

/**
 * Throws TenantDisabledError or UserErasedError. Without a store (a caller that has none), or while object
 * storage is unreachable, the tenant's marker is not read here: a disabled tenant has no data key and
 * TenantKeys refuses to make one, so such a start still fails before anything is written under the tenant.
 */
export async function refuseErasedStart(ctx: { config: AppConfig; store?: ObjectStore }, tenantId: string, userIds: readonly string[]): Promise<void> {
  const [disabled, until] = await Promise.all([
    ctx.store ? isTenantDisabled(ctx.store, tenantId).catch(() => false) : false,
    tombstonedUntil(
      ctx.config,
      tenantId,
      userIds.map((u) => userTag(ctx.config.ids.key, tenantId, u)),
    ),
  ]);
  if (disabled) throw new TenantDisabledError(tenantId);
  if (until) throw new UserErasedError(tenantId, until);
}
