/**
 * Tenant data keys (issue 20, findings 3, 9 and 10): wrapped copies on local disk serve a key this machine
 * has seen while object storage is unreachable, and never a key object storage says is gone; a record's
 * tenant is its path's; unknown key ids are remembered briefly and boundedly; keys rotate by use and age.
 * Against the real object store, and a real S3 client pointed at a port nothing listens on for the outage.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../config/loadConfig';
import { ObjectStore } from '../providers/objectStore';
import { loadKeyring } from '../security/keyring';
import { ObjectStorageUnavailableError, TenantKeys } from '../security/tenantKeys';
import { WrappedKeyCache } from '../security/wrappedKeyCache';
import { freePort } from './support/freePort';

describe('tenant data keys', () => {
  const config = loadConfig();
  const keyring = loadKeyring(config)!;
  const store = new ObjectStore(config.s3);
  let down: ObjectStore;
  let dir: string;
  const tenant = () => `keys-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    down = new ObjectStore({ ...config.s3, endpoint: `http://127.0.0.1:${await freePort()}` });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'key-cache-'));
  });
  afterAll(() => {
    store.destroy();
    down.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('a key seen here encrypts and decrypts from its wrapped disk copy while object storage is unreachable', async () => {
    const t = tenant();
    const cache = new WrappedKeyCache(dir);
    const made = await new TenantKeys(keyring, store, Date.now, { cache }).encryptionKey(t);
    const file = path.join(dir, t, `${made.id.split('/')[1]}.json`);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const text = fs.readFileSync(file, 'utf8');
    expect(text).not.toContain(made.key.toString('base64'));
    expect(Object.keys(JSON.parse(text) as object).sort()).toEqual(['createdAt', 'masterKeyId', 'wrapped']);
    // A new process on this machine, object storage down: the same key, from disk.
    const offline = new TenantKeys(keyring, down, Date.now, { cache });
    expect((await offline.encryptionKey(t)).id).toBe(made.id);
    expect((await offline.decryptionKey(made.id))?.key.equals(made.key)).toBe(true);
    // A machine without the copy says which dependency it waits for.
    const elsewhere = new TenantKeys(keyring, down, Date.now, { cache: new WrappedKeyCache(path.join(dir, 'other-machine')) });
    await expect(elsewhere.encryptionKey(t)).rejects.toBeInstanceOf(ObjectStorageUnavailableError);
    await expect(elsewhere.decryptionKey(made.id)).rejects.toBeInstanceOf(ObjectStorageUnavailableError);
  });

  test('a key object storage says is gone is never served from the disk copy', async () => {
    const t = tenant();
    const cache = new WrappedKeyCache(dir);
    const made = await new TenantKeys(keyring, store, Date.now, { cache }).encryptionKey(t);
    // Another process erases the tenant: the objects go, this machine's copy stays until it hears so.
    await store.remove(await store.list(`keyring/tenants/${t}/`));
    expect(cache.get(t, made.id.split('/')[1]!)).toBeDefined();
    expect(await new TenantKeys(keyring, store, Date.now, { cache }).decryptionKey(made.id)).toBeUndefined();
    expect(cache.get(t, made.id.split('/')[1]!)).toBeUndefined();
    await expect(new TenantKeys(keyring, down, Date.now, { cache }).decryptionKey(made.id)).rejects.toBeInstanceOf(ObjectStorageUnavailableError);
    // destroy() removes this machine's copies at once.
    const t2 = tenant();
    const keys = new TenantKeys(keyring, store, Date.now, { cache });
    await keys.encryptionKey(t2);
    expect(cache.list(t2)).toHaveLength(1);
    expect(await keys.destroy(t2)).toBe(1);
    expect(cache.list(t2)).toHaveLength(0);
  });

  test("a record's tenant is its path's: a record copied under another tenant does not unwrap", async () => {
    const victim = tenant();
    const attacker = tenant();
    const made = await new TenantKeys(keyring, store).encryptionKey(victim);
    const keyId = made.id.split('/')[1]!;
    const record = await store.getJson<Record<string, string>>(`keyring/tenants/${victim}/${keyId}.json`);
    // The copy claims the attacker's tenant in its JSON, and sits under the attacker's path.
    await store.putJson(`keyring/tenants/${attacker}/${keyId}.json`, { ...record, tenant: attacker });
    expect(await new TenantKeys(keyring, store).decryptionKey(`${attacker}/${keyId}`)).toBeUndefined();
    // Under the victim's path with a JSON naming the attacker, it is still the victim's key.
    await store.putJson(`keyring/tenants/${victim}/${keyId}.json`, { ...record, tenant: attacker });
    expect((await new TenantKeys(keyring, store).decryptionKey(made.id))?.tenant).toBe(victim);
  });

  test('unknown key ids cost one read each and are remembered for 10 seconds', async () => {
    let reads = 0;
    const counting = new Proxy(store, {
      get(target, prop, receiver) {
        if (prop === 'getJson') {
          return async (key: string) => {
            reads += 1;
            return target.getJson(key);
          };
        }
        const value: unknown = Reflect.get(target, prop, receiver);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    let now = 1_000_000;
    const keys = new TenantKeys(keyring, counting, () => now);
    const ids = Array.from({ length: 20 }, () => `${tenant()}/${randomUUID().replace(/-/g, '')}`);
    for (const id of ids) expect(await keys.decryptionKey(id)).toBeUndefined();
    for (const id of ids) expect(await keys.decryptionKey(id)).toBeUndefined();
    expect(reads).toBe(20);
    now += 11_000;
    await keys.decryptionKey(ids[0]!);
    expect(reads).toBe(21);
    // Malformed ids are refused without a read.
    expect(await keys.decryptionKey('x/../../etc')).toBeUndefined();
    expect(reads).toBe(21);
  });

  test('a process moves to a new key after its use limit, and never starts on a key past its age', async () => {
    const t = tenant();
    let now = Date.now();
    const keys = new TenantKeys(keyring, store, () => now, { maxUses: 3, maxAgeMs: 3_600_000 });
    const first = await keys.encryptionKey(t);
    expect((await keys.encryptionKey(t)).id).toBe(first.id);
    expect((await keys.encryptionKey(t)).id).toBe(first.id);
    const second = await keys.encryptionKey(t);
    expect(second.id).not.toBe(first.id);
    // Both still decrypt.
    expect(await keys.decryptionKey(first.id)).toBeDefined();
    // Another process an hour later does not pick either up: both are past the age.
    now += 3_600_001;
    const later = new TenantKeys(keyring, store, () => now, { maxUses: 3, maxAgeMs: 3_600_000 });
    const third = await later.encryptionKey(t);
    expect([first.id, second.id]).not.toContain(third.id);
    expect((await store.list(`keyring/tenants/${t}/`)).length).toBe(3);
  });
});
