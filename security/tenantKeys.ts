/**
 * Per-tenant data keys (envelope encryption). Each tenant's payloads are encrypted with a random 256-bit
 * data key; the data key is stored only wrapped (AES-256-GCM) by a master key, in object storage under
 * `keyring/tenants/<tenant>/<keyId>.json`. Destroying a tenant's key deletes those objects: every payload
 * encrypted with it stops decoding, for everyone, the operator included.
 *
 * Key records are never overwritten: a process that finds no key for the current master makes a new one
 * with a random id, so two processes racing both succeed and payloads name the key they used. Unwrapped
 * keys are cached for a minute, so a destruction reaches other processes within that time.
 */
import { randomBytes } from 'node:crypto';
import type { ObjectStore } from '../providers/objectStore';
import { openAesGcm, sealAesGcm } from './aesGcm';
import type { MasterKeyring } from './keyring';
import { refuseIfTenantDisabled } from './tenantStatus';

export interface DataKey {
  /** `<tenant>/<random id>`: what payload metadata names. */
  id: string;
  tenant: string;
  key: Buffer;
}

interface KeyRecord {
  tenant: string;
  keyId: string;
  masterKeyId: string;
  /** base64 of iv(12) | ciphertext(32) | tag(16), AAD = the key id. */
  wrapped: string;
  createdAt: string;
}

/** Tenants are ids (letters, digits, . _ : @ -); the system tenant holds payloads of no known tenant. */
export const SYSTEM_TENANT = '_system';
const TENANT = /^[A-Za-z0-9._:@-]{1,128}$/;

/** Whether a tenant id can own data keys (other ids' data is encrypted under the system tenant's key). */
export const canOwnKeys = (tenant: string): boolean => TENANT.test(tenant);
const CACHE_MS = 60_000;

const tenantKeyPrefix = (tenant: string): string => `keyring/tenants/${tenant}/`;

function isMissing(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NoSuchKey' || e?.name === 'NotFound' || e?.$metadata?.httpStatusCode === 404;
}

export class TenantKeys {
  private readonly byId = new Map<string, { key?: DataKey; at: number }>();
  private readonly current = new Map<string, { key: DataKey; at: number }>();
  private readonly creating = new Map<string, Promise<DataKey>>();

  constructor(
    private readonly keyring: MasterKeyring,
    private readonly store: ObjectStore,
    private readonly now: () => number = Date.now,
  ) {}

  /** The key new payloads of this tenant are encrypted with (made on first use). */
  async encryptionKey(tenant: string): Promise<DataKey> {
    if (!TENANT.test(tenant)) throw new Error('not a tenant id');
    const cached = this.current.get(tenant);
    if (cached && this.now() - cached.at < CACHE_MS) return cached.key;
    const pending = this.creating.get(tenant);
    if (pending) return pending;
    // Object storage down: keep encrypting with the key already in hand, so an S3 outage never stops workflow tasks.
    const p = this.findOrCreate(tenant)
      .catch((err: unknown) => {
        if (cached) return cached.key;
        throw err;
      })
      .finally(() => this.creating.delete(tenant));
    this.creating.set(tenant, p);
    return p;
  }

  /** The key a payload names, or undefined when it does not exist (destroyed, or never made here). */
  async decryptionKey(id: string): Promise<DataKey | undefined> {
    const cached = this.byId.get(id);
    if (cached && this.now() - cached.at < CACHE_MS) return cached.key;
    const [tenant, keyId] = id.split('/');
    if (!tenant || !keyId || !TENANT.test(tenant) || !/^[a-f0-9]{32}$/.test(keyId)) return undefined;
    let record: KeyRecord | undefined;
    try {
      record = await this.store.getJson<KeyRecord>(`${tenantKeyPrefix(tenant)}${keyId}.json`);
    } catch (err) {
      // Only "no such key" means destroyed; while object storage is unreachable, a key in hand stays usable.
      if (!isMissing(err)) {
        if (cached?.key) return cached.key;
        throw err;
      }
    }
    const key = record ? this.unwrap(record) : undefined;
    this.byId.set(id, { key, at: this.now() });
    return key;
  }

  /** Deletes every data key of the tenant; returns how many were destroyed. */
  async destroy(tenant: string): Promise<number> {
    if (!TENANT.test(tenant)) throw new Error('not a tenant id');
    const keys = await this.store.list(tenantKeyPrefix(tenant));
    await this.store.remove(keys);
    this.current.delete(tenant);
    for (const id of [...this.byId.keys()]) if (id.startsWith(`${tenant}/`)) this.byId.delete(id);
    return keys.length;
  }

  private async findOrCreate(tenant: string): Promise<DataKey> {
    for (const objectKey of (await this.store.list(tenantKeyPrefix(tenant))).sort()) {
      const record = await this.store.getJson<KeyRecord>(objectKey).catch(() => undefined);
      if (record?.masterKeyId !== this.keyring.current) continue;
      const key = this.unwrap(record);
      if (key) return this.remember(key);
    }
    // An erased tenant stays without keys until an admin re-enables it (security/tenantStatus.ts).
    await refuseIfTenantDisabled(this.store, tenant);
    const keyId = randomBytes(16).toString('hex');
    const id = `${tenant}/${keyId}`;
    const key = randomBytes(32);
    const wrapped = sealAesGcm(this.keyring.keys.get(this.keyring.current)!, id, key).toString('base64');
    const record: KeyRecord = { tenant, keyId, masterKeyId: this.keyring.current, wrapped, createdAt: new Date(this.now()).toISOString() };
    await this.store.putJson(`${tenantKeyPrefix(tenant)}${keyId}.json`, record);
    return this.remember({ id, tenant, key });
  }

  private remember(key: DataKey): DataKey {
    this.current.set(key.tenant, { key, at: this.now() });
    this.byId.set(key.id, { key, at: this.now() });
    return key;
  }

  private unwrap(record: KeyRecord): DataKey | undefined {
    const master = this.keyring.keys.get(record.masterKeyId);
    if (!master) return undefined;
    const id = `${record.tenant}/${record.keyId}`;
    try {
      return { id, tenant: record.tenant, key: openAesGcm(master, id, Buffer.from(record.wrapped, 'base64')) };
    } catch {
      return undefined;
    }
  }
}
