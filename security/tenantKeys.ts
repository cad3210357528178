/**
 * Per-tenant data keys (envelope encryption). Each tenant's payloads are encrypted with a random 256-bit
 * data key; the data key is stored only wrapped (AES-256-GCM) by a master key, in object storage under
 * `keyring/tenants/<tenant>/<keyId>.json`. Destroying a tenant's key deletes those objects: every payload
 * encrypted with it stops decoding, for everyone, the operator included.
 *
 * - A record's tenant and key id are read from its object path, never from its JSON, and are the additional
 *   data of its wrapping: a record copied under another tenant's path does not unwrap.
 * - Key records are never overwritten: a process that finds no usable key makes a new one with a random id,
 *   so two processes racing both succeed and payloads name the key they used.
 * - Rotation: AES-GCM with 96-bit random IVs must stay far below 2^32 encryptions per key. A process moves
 *   to a new key after `maxUses` encryptions with one key, and no process starts using a key older than
 *   `maxAge`; a key is shared only by the processes that picked it within its age, so its uses stay below
 *   maxUses × those processes (2^22 × 1,024 = 2^32 at the defaults: lower either for bigger fleets).
 * - Object storage unreachable: the key in hand keeps working, and wrapped records cached on local disk
 *   (WrappedKeyCache) serve a key this machine has seen, so runs start and decode through an outage. A key
 *   object storage says is gone is never served from the cache.
 * - Unwrapped keys are cached for a minute (a destruction reaches other processes within that time); keys
 *   that do not exist are remembered for 10 seconds; both caches are bounded.
 */
import { randomBytes } from 'node:crypto';
import type { AppConfig } from '../common/config';
import { durationMs } from '../common/duration';
import type { ObjectStore } from '../providers/objectStore';
import { openAesGcm, sealAesGcm } from './aesGcm';
import type { MasterKeyring } from './keyring';
import { refuseIfTenantDisabled } from './tenantStatus';
import { WrappedKeyCache, type WrappedKey } from './wrappedKeyCache';
import { ImageAgentError } from '../common/imageAgentError';

export interface DataKey {
  /** `<tenant>/<random id>`: what payload metadata names. */
  id: string;
  tenant: string;
  key: Buffer;
}

/** The stored record (tenant and key id are kept for people reading the bucket; the path is what counts). */
interface KeyRecord extends WrappedKey {
  tenant: string;
  keyId: string;
}

/** Tenants are ids (letters, digits, . _ : @ -); the system tenant holds payloads of no known tenant. */
export const SYSTEM_TENANT = '_system';
const TENANT = /^[A-Za-z0-9._:@-]{1,128}$/;
const KEY_ID = /^[a-f0-9]{32}$/;

/** Whether a tenant id can own data keys (other ids' data is encrypted under the system tenant's key). */
export const canOwnKeys = (tenant: string): boolean => TENANT.test(tenant);
const CACHE_MS = 60_000;
const MISSING_MS = 10_000;
const MAX_CACHED_IDS = 10_000;

const tenantKeyPrefix = (tenant: string): string => `keyring/tenants/${tenant}/`;

/** `keyring/tenants/<tenant>/<keyId>.json` → its tenant and key id, or undefined. */
function keyPath(objectKey: string): { tenant: string; keyId: string } | undefined {
  const m = /^keyring\/tenants\/([^/]+)\/([^/]+)\.json$/.exec(objectKey);
  return m && TENANT.test(m[1]!) && KEY_ID.test(m[2]!) ? { tenant: m[1]!, keyId: m[2]! } : undefined;
}

function isMissing(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NoSuchKey' || e?.name === 'NotFound' || e?.$metadata?.httpStatusCode === 404;
}

/** How long a caller waits out an object-storage outage before asking again (the CLI waits it out itself). */
const OBJECT_STORAGE_RETRY_AFTER_S = 30;

/**
 * Object storage did not answer, and no key this process or machine holds will do: what a client waits out
 * (client/outageWait.ts) and the API answers 503 for, naming the dependency.
 */
export class ObjectStorageUnavailableError extends ImageAgentError {
  override name = 'ObjectStorageUnavailableError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(
      message,
      {
        retryable: true,
        httpStatus: 503,
        retryAfterMs: OBJECT_STORAGE_RETRY_AFTER_S * 1000,
        dependency: 'object-storage',
        publicMessage: `object storage is unreachable, and this tenant's data key is held only there; try again in ${OBJECT_STORAGE_RETRY_AFTER_S} s`,
      },
      options,
    );
  }
}

export interface TenantKeyOptions {
  /** Wrapped records on local disk for object-storage outages. */
  cache?: WrappedKeyCache;
  /** Encryptions by this process with one key before it moves to a new one. */
  maxUses?: number;
  /** No process starts using a key older than this. */
  maxAgeMs?: number;
}

/** The data keys of this configuration: its disk cache and rotation limits. */
export function tenantKeysFor(config: AppConfig, keyring: MasterKeyring, store: ObjectStore): TenantKeys {
  const e = config.encryption;
  return new TenantKeys(keyring, store, Date.now, {
    ...(e.keyCacheDir ? { cache: new WrappedKeyCache(e.keyCacheDir) } : {}),
    maxUses: e.dataKeyMaxUses,
    maxAgeMs: durationMs(e.dataKeyMaxAge),
  });
}

export class TenantKeys {
  private readonly byId = new Map<string, { key?: DataKey; at: number }>();
  private readonly current = new Map<string, { key: DataKey; at: number; createdAt: number; uses: number }>();
  private readonly creating = new Map<string, Promise<DataKey>>();
  private readonly maxUses: number;
  private readonly maxAgeMs: number;

  constructor(
    private readonly keyring: MasterKeyring,
    private readonly store: ObjectStore,
    private readonly now: () => number = Date.now,
    private readonly options: TenantKeyOptions = {},
  ) {
    this.maxUses = options.maxUses ?? 2 ** 22;
    this.maxAgeMs = options.maxAgeMs ?? 7 * 86_400_000;
  }

  /** The key new payloads of this tenant are encrypted with (made on first use, and again when it is used up). */
  async encryptionKey(tenant: string): Promise<DataKey> {
    if (!TENANT.test(tenant)) throw new Error('not a tenant id');
    const cached = this.current.get(tenant);
    const usedUp = cached && (cached.uses >= this.maxUses || this.now() - cached.createdAt >= this.maxAgeMs);
    if (cached && !usedUp && this.now() - cached.at < CACHE_MS) {
      cached.uses += 1;
      return cached.key;
    }
    const pending = this.creating.get(tenant);
    if (pending) return this.use(tenant, await pending);
    const p = this.findOrCreate(tenant, usedUp ? cached.key.id : undefined)
      .catch((err: unknown) => {
        // Object storage down: keep encrypting with the key in hand (while it is not used up), so an outage
        // never stops workflow tasks; otherwise the disk cache's newest usable key of this tenant.
        if (isMissing(err) || (err as Error).name === 'TenantDisabledError') throw err;
        if (cached && !usedUp) return cached.key;
        const fromDisk = this.newestCached(tenant, usedUp ? cached.key.id : undefined);
        if (fromDisk) return this.remember(fromDisk.key, fromDisk.createdAt);
        throw new ObjectStorageUnavailableError(`object storage is unreachable, and this machine holds no data key of tenant ${tenant}`, { cause: err });
      })
      .finally(() => this.creating.delete(tenant));
    this.creating.set(tenant, p);
    return this.use(tenant, await p);
  }

  /** The key a payload names, or undefined when it does not exist (destroyed, or never made here). */
  async decryptionKey(id: string): Promise<DataKey | undefined> {
    const cached = this.byId.get(id);
    if (cached && this.now() - cached.at < (cached.key ? CACHE_MS : MISSING_MS)) return cached.key;
    const [tenant, keyId, ...rest] = id.split('/');
    if (!tenant || !keyId || rest.length || !TENANT.test(tenant) || !KEY_ID.test(keyId)) return undefined;
    let record: WrappedKey | undefined;
    try {
      record = await this.store.getJson<WrappedKey>(`${tenantKeyPrefix(tenant)}${keyId}.json`);
    } catch (err) {
      if (isMissing(err)) {
        // Gone (destroyed by an erasure): no copy of it may outlive it here.
        this.options.cache?.remove(tenant, keyId);
      } else {
        // Unreachable: a key in hand, or this machine's wrapped copy, stays usable.
        if (cached?.key) return cached.key;
        const copy = this.options.cache?.get(tenant, keyId);
        const key = copy ? this.unwrap(tenant, keyId, copy) : undefined;
        if (key) return key;
        throw new ObjectStorageUnavailableError(`object storage is unreachable, and this machine holds no copy of data key ${id}`, { cause: err });
      }
    }
    const key = record ? this.unwrap(tenant, keyId, record) : undefined;
    if (key && record) this.options.cache?.put(tenant, keyId, record);
    this.cacheId(id, key);
    return key;
  }

  /** Deletes every data key of the tenant; returns how many were destroyed. */
  async destroy(tenant: string): Promise<number> {
    if (!TENANT.test(tenant)) throw new Error('not a tenant id');
    const keys = await this.store.list(tenantKeyPrefix(tenant));
    await this.store.remove(keys);
    this.current.delete(tenant);
    this.options.cache?.remove(tenant);
    for (const id of [...this.byId.keys()]) if (id.startsWith(`${tenant}/`)) this.byId.delete(id);
    return keys.length;
  }

  private use(tenant: string, key: DataKey): DataKey {
    const entry = this.current.get(tenant);
    if (entry?.key.id === key.id) entry.uses += 1;
    return key;
  }

  /** The newest key of the current master that is young enough and not `usedUp`, else a new one. */
  private async findOrCreate(tenant: string, usedUp?: string): Promise<DataKey> {
    const found: { key: DataKey; createdAt: number }[] = [];
    for (const objectKey of await this.store.list(tenantKeyPrefix(tenant))) {
      const at = keyPath(objectKey);
      if (!at || at.tenant !== tenant || `${tenant}/${at.keyId}` === usedUp) continue;
      const record = await this.store.getJson<WrappedKey>(objectKey).catch(() => undefined);
      const createdAt = record ? Date.parse(record.createdAt) : NaN;
      if (!record || record.masterKeyId !== this.keyring.current || !(this.now() - createdAt < this.maxAgeMs)) continue;
      const key = this.unwrap(tenant, at.keyId, record);
      if (key) {
        this.options.cache?.put(tenant, at.keyId, record);
        found.push({ key, createdAt });
      }
    }
    const newest = found.sort((a, b) => b.createdAt - a.createdAt)[0];
    if (newest) return this.remember(newest.key, newest.createdAt);
    // An erased tenant stays without keys until an admin re-enables it (security/tenantStatus.ts).
    await refuseIfTenantDisabled(this.store, tenant);
    const keyId = randomBytes(16).toString('hex');
    const id = `${tenant}/${keyId}`;
    const createdAt = this.now();
    const key = randomBytes(32);
    const wrapped = sealAesGcm(this.keyring.keys.get(this.keyring.current)!, id, key).toString('base64');
    const record: KeyRecord = { tenant, keyId, masterKeyId: this.keyring.current, wrapped, createdAt: new Date(createdAt).toISOString() };
    await this.store.putJson(`${tenantKeyPrefix(tenant)}${keyId}.json`, record);
    this.options.cache?.put(tenant, keyId, record);
    return this.remember({ id, tenant, key }, createdAt);
  }

  private newestCached(tenant: string, usedUp?: string): { key: DataKey; createdAt: number } | undefined {
    for (const copy of this.options.cache?.list(tenant) ?? []) {
      const createdAt = Date.parse(copy.createdAt);
      if (`${tenant}/${copy.keyId}` === usedUp || copy.masterKeyId !== this.keyring.current || !(this.now() - createdAt < this.maxAgeMs)) continue;
      const key = this.unwrap(tenant, copy.keyId, copy);
      if (key) return { key, createdAt };
    }
    return undefined;
  }

  private remember(key: DataKey, createdAt: number): DataKey {
    // The same key found again keeps its count: only a new key starts from zero.
    const uses = this.current.get(key.tenant)?.key.id === key.id ? this.current.get(key.tenant)!.uses : 0;
    this.current.set(key.tenant, { key, at: this.now(), createdAt, uses });
    this.cacheId(key.id, key);
    return key;
  }

  private cacheId(id: string, key: DataKey | undefined): void {
    this.byId.delete(id);
    this.byId.set(id, { key, at: this.now() });
    if (this.byId.size > MAX_CACHED_IDS) this.byId.delete(this.byId.keys().next().value!);
  }

  private unwrap(tenant: string, keyId: string, record: WrappedKey): DataKey | undefined {
    const master = this.keyring.keys.get(record.masterKeyId);
    if (!master) return undefined;
    const id = `${tenant}/${keyId}`;
    try {
      return { id, tenant, key: openAesGcm(master, id, Buffer.from(record.wrapped, 'base64')) };
    } catch {
      return undefined;
    }
  }
}
