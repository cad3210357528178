/**
 * Wrapped data-key records kept on local disk, so that starting a run and decoding a payload keep working
 * while object storage is unreachable, for a tenant whose key this machine has seen. Only the wrapped form
 * is written (the master key never touches disk), one file per key, mode 600, written atomically.
 *
 * The disk copy is a fallback for "unreachable", never an answer to "gone": when object storage says a key
 * does not exist (an erasure destroyed it), its copy is removed, and TenantKeys never reads the copy then.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** What is stored of a data key: its tenant and id come from the object's path, the rest is wrapped. */
export interface WrappedKey {
  masterKeyId: string;
  /** base64 of iv(12) | ciphertext(32) | tag(16), AAD = `<tenant>/<key id>`. */
  wrapped: string;
  createdAt: string;
}

export interface CachedKey extends WrappedKey {
  tenant: string;
  keyId: string;
}

const SAFE = /^[A-Za-z0-9._:@-]{1,128}$/;

export class WrappedKeyCache {
  constructor(private readonly dir: string) {}

  private file(tenant: string, keyId: string): string | undefined {
    // Tenant ids may hold ':' and '@': fine on POSIX file systems; '.' and '..' alone are not tenant ids here.
    if (!SAFE.test(tenant) || !SAFE.test(keyId) || tenant === '.' || tenant === '..') return undefined;
    return path.join(this.dir, tenant, `${keyId}.json`);
  }

  put(tenant: string, keyId: string, record: WrappedKey): void {
    const file = this.file(tenant, keyId);
    if (!file) return;
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
      const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
      fs.writeFileSync(tmp, JSON.stringify({ masterKeyId: record.masterKeyId, wrapped: record.wrapped, createdAt: record.createdAt }), { mode: 0o600 });
      fs.renameSync(tmp, file);
    } catch {
      // A cache that cannot be written costs only the outage fallback; object storage stays the record.
    }
  }

  get(tenant: string, keyId: string): CachedKey | undefined {
    const file = this.file(tenant, keyId);
    if (!file) return undefined;
    return readRecord(file, tenant, keyId);
  }

  /** Every cached key of the tenant (newest first). */
  list(tenant: string): CachedKey[] {
    const dir = this.file(tenant, 'x') && path.join(this.dir, tenant);
    if (!dir || !fs.existsSync(dir)) return [];
    return fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .flatMap((f) => readRecord(path.join(dir, f), tenant, f.slice(0, -'.json'.length)) ?? [])
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  remove(tenant: string, keyId?: string): void {
    const target = keyId === undefined ? this.file(tenant, 'x') && path.join(this.dir, tenant) : this.file(tenant, keyId);
    if (target) fs.rmSync(target, { recursive: true, force: true });
  }
}

function readRecord(file: string, tenant: string, keyId: string): CachedKey | undefined {
  try {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<WrappedKey>;
    if (typeof parsed.masterKeyId !== 'string' || typeof parsed.wrapped !== 'string' || typeof parsed.createdAt !== 'string') return undefined;
    return { tenant, keyId, masterKeyId: parsed.masterKeyId, wrapped: parsed.wrapped, createdAt: parsed.createdAt };
  } catch {
    return undefined;
  }
}
