/**
 * Whether a tenant is disabled: after a whole-tenant erasure, no new data key may be made for it (so an open
 * run or a late start cannot write the tenant's data back under a fresh key) until an admin re-enables it
 * (`image-agent tenant enable`). The state is a marker object under `keyring/disabled-tenants/`, beside the
 * keys but outside `keyring/tenants/<tenant>/`, so destroying the tenant's keys does not remove it, and every
 * process that can make a key (TenantKeys has only the object store) can read it.
 */
import type { ObjectStore } from '../providers/objectStore';
import { ImageAgentError } from '../common/imageAgentError';

/** What the marker holds: when and by whom, no personal data. */
export interface TenantDisabledMarker {
  tenant: string;
  at: string;
  by: string;
  reason: 'erased';
}

/** A start, or a new data key, for a tenant an erasure disabled. */
export class TenantDisabledError extends ImageAgentError {
  override name = 'TenantDisabledError';
  constructor(readonly tenant: string) {
    // Retryable: an admin may re-enable the tenant, and an activity waits within its window until then.
    super(`tenant ${tenant} is disabled (it was erased): an admin re-enables it with \`image-agent tenant enable --tenant ${tenant}\``, {
      retryable: true,
      httpStatus: 403,
    });
  }
}

const markerKey = (tenant: string): string => `keyring/disabled-tenants/${tenant}.json`;

/** Whether the tenant is disabled; an unreachable store throws (the caller decides what an outage means). */
export function isTenantDisabled(store: ObjectStore, tenant: string): Promise<boolean> {
  return store.exists(markerKey(tenant));
}

/** Throws TenantDisabledError when the tenant is disabled. */
export async function refuseIfTenantDisabled(store: ObjectStore, tenant: string): Promise<void> {
  if (await isTenantDisabled(store, tenant)) throw new TenantDisabledError(tenant);
}

export async function disableTenant(store: ObjectStore, marker: TenantDisabledMarker): Promise<void> {
  await store.putJson(markerKey(marker.tenant), marker);
}

/** Re-enables the tenant; returns whether it was disabled. */
export async function enableTenant(store: ObjectStore, tenant: string): Promise<boolean> {
  const was = await isTenantDisabled(store, tenant);
  await store.remove([markerKey(tenant)]);
  return was;
}
