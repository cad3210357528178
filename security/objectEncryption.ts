/**
 * Objects in S3 encrypted with the tenant keyring: what a run keeps by reference — its report, the recorded
 * model calls (prompts and answers), the webhook URL, batch manifests, case results and reports — is
 * sealed with the tenant's data key (tenantKeys.ts) by the same AES-256-GCM as payloads (aesGcm.ts), so
 * moving data out of a history never moves it into plaintext, and destroying a tenant's key makes its
 * objects unreadable as well as its histories.
 *
 * Which objects: every object under `tenants/<tenant>/` except images (`image/*`), which people fetch
 * through presigned URLs. The tenant comes from the object key. Stored form:
 *   SEALED_OBJECT_MAGIC | key id length (u16 BE) | key id (`<tenant>/<id>`) | iv | ciphertext | tag
 * with the key id as additional data. Objects written before (plaintext) do not start with the magic and
 * legacy-read: plaintext-objects
 * are read as they are.
 */
import type { AppConfig } from '../common/config';
import { tenantOfKey } from '../common/objectKeys';
import { ObjectStore, SEALED_OBJECT_MAGIC, type ObjectCipher } from '../providers/objectStore';
import { openAesGcm, sealAesGcm } from './aesGcm';
import { loadKeyring } from './keyring';
import { canOwnKeys, SYSTEM_TENANT, tenantKeysFor, type TenantKeys } from './tenantKeys';

class ObjectKeyMissingError extends Error {
  override name = 'ObjectKeyMissingError';
}

/** The data key tenant of an object's tenant (ids that cannot own keys use the system key: still encrypted). */
const keyTenant = (tenant: string): string => (canOwnKeys(tenant) ? tenant : SYSTEM_TENANT);

class ObjectSealer implements ObjectCipher {
  constructor(readonly keys: TenantKeys) {}

  async seal(key: string, body: Buffer, contentType: string): Promise<{ body: Buffer; keyId: string } | undefined> {
    const tenant = tenantOfKey(key);
    if (tenant === undefined || contentType.startsWith('image/')) return undefined;
    const dataKey = await this.keys.encryptionKey(keyTenant(tenant));
    const id = Buffer.from(dataKey.id);
    const length = Buffer.alloc(2);
    length.writeUInt16BE(id.length);
    return { body: Buffer.concat([SEALED_OBJECT_MAGIC, length, id, sealAesGcm(dataKey.key, dataKey.id, body)]), keyId: dataKey.id };
  }

  async open(key: string, stored: Buffer): Promise<Buffer> {
    let at = SEALED_OBJECT_MAGIC.length;
    const length = stored.readUInt16BE(at);
    at += 2;
    const id = stored.subarray(at, at + length).toString('utf8');
    at += length;
    // An object opens only with its own tenant's key: a sealed object copied into another tenant's prefix does not.
    const tenant = tenantOfKey(key);
    if (tenant === undefined || id.split('/')[0] !== keyTenant(tenant)) {
      throw new ObjectKeyMissingError(`the object ${key.slice(0, 200)} is sealed with a key of another tenant`);
    }
    const dataKey = await this.keys.decryptionKey(id);
    if (!dataKey)
      throw new ObjectKeyMissingError(
        `the object ${key.slice(0, 200)} is encrypted with key ${id}, which does not exist (destroyed by an erasure, or another keyring)`,
      );
    return openAesGcm(dataKey.key, id, stored.subarray(at));
  }
}

/** The object store every process uses: sealing tenant objects when encryption is on. */
export function openObjectStore(config: AppConfig): ObjectStore {
  const store = new ObjectStore(config.s3);
  const keyring = loadKeyring(config);
  // The data keys live in the same store, under keyring/ (outside every tenant's prefix, so never sealed).
  if (keyring) store.encryptWith(new ObjectSealer(tenantKeysFor(config, keyring, store)));
  return store;
}
