/**
 * Object storage for images, references and reports: any S3-compatible server (SeaweedFS locally;
 * AWS S3, MinIO or R2 in production). Images never travel through Temporal: activities put them here
 * and pass `StoredObject` references. With encryption on, a tenant's reports, records and other data
 * objects are sealed with its data key (security/objectEncryption.ts) and opened again on `get`.
 */
import { createHash } from 'node:crypto';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { AppConfig } from '../common/config';
import { ImageAgentError } from '../common/imageAgentError';
import type { StoredObject } from '../common/types';

// image-agent supports Node 20 (see README); the SDK's notice about its future Node 22 floor is not actionable per call.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/**
 * Encryption of what a tenant's objects hold (security/objectEncryption.ts). The store asks it on every
 * write, and hands it every stored object that starts with `SEALED_OBJECT_MAGIC`.
 */
export interface ObjectCipher {
  /** The bytes to store under `key` instead of `body`, and the key id they are sealed with; undefined to store `body` as it is. */
  seal(key: string, body: Buffer, contentType: string): Promise<{ body: Buffer; keyId: string } | undefined>;
  /** The plaintext of a sealed object (starting with the magic). */
  open(key: string, stored: Buffer): Promise<Buffer>;
}

/** How a sealed object starts: a NUL, which no JSON, text or PNG object starts with. */
export const SEALED_OBJECT_MAGIC = Buffer.from('\0image-agent-sealed-1\n');

class EncryptedObjectError extends Error {
  override name = 'EncryptedObjectError';
}

/**
 * Object storage gave no answer (refused or dropped connections, timeouts) or failed on its side (5xx): retried
 * by activities, named by the API. An answer about the object (404, 403) stays the SDK's error.
 */
export class ObjectStorageUnreachableError extends ImageAgentError {
  override name = 'ObjectStorageUnreachableError';
  constructor(cause: unknown) {
    super(
      `object storage is unreachable or failing: ${(cause as Error | undefined)?.message ?? String(cause)}`,
      { retryable: true, httpStatus: 502, dependency: 'object-storage' },
      { cause },
    );
  }
}

/** The S3 error as the outage it is, when it is one. */
function classifyS3Error(err: unknown): unknown {
  const status = (err as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
  // Without an HTTP status the request never got an answer (the SDK keeps Node's network error, ECONNREFUSED etc.).
  return status === undefined || status >= 500 ? new ObjectStorageUnreachableError(err) : err;
}

export class ObjectStore {
  readonly bucket: string;
  private readonly client: S3Client;
  /** Signs URLs for people: may use a public host different from the one workers reach. */
  private readonly publicClient: S3Client;
  private cipher?: ObjectCipher;

  constructor(private readonly config: AppConfig['s3']) {
    this.bucket = config.bucket;
    this.client = makeClient(config, config.endpoint);
    this.publicClient = config.publicEndpoint ? makeClient(config, config.publicEndpoint) : this.client;
  }

  async ensureBucket(): Promise<void> {
    try {
      await this.send(new HeadBucketCommand({ Bucket: this.bucket }));
    } catch (err) {
      if (!(err instanceof S3ServiceException) || (err.$metadata.httpStatusCode !== 404 && err.name !== 'NotFound')) throw err;
      await this.send(new CreateBucketCommand({ Bucket: this.bucket }));
    }
  }

  /** From now on, objects are sealed as the cipher decides when written, and opened when read. */
  encryptWith(cipher: ObjectCipher): void {
    this.cipher = cipher;
  }

  /**
   * Writes bytes under a deterministic key; a retried activity overwrites rather than duplicates. With a
   * cipher, the stored bytes may be sealed: `sha256` and `bytes` then describe what is stored (the
   * ciphertext), and `metadata` stays readable in S3 (callers pass only non-personal metadata).
   */
  async put(key: string, body: Buffer, contentType: string, metadata: Record<string, string> = {}): Promise<StoredObject> {
    const sealed = this.cipher ? await this.cipher.seal(key, body, contentType) : undefined;
    const stored = sealed?.body ?? body;
    const sha256 = createHash('sha256').update(stored).digest('hex');
    await this.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: stored,
        ContentType: sealed ? 'application/octet-stream' : contentType,
        Metadata: { sha256, ...metadata, ...(sealed ? { 'encryption-key-id': sealed.keyId, 'plaintext-content-type': contentType } : {}) },
      }),
    );
    return { bucket: this.bucket, key, sha256, bytes: stored.length, contentType };
  }

  async putJson(key: string, value: unknown): Promise<StoredObject> {
    return this.put(key, Buffer.from(JSON.stringify(value, null, 2)), 'application/json');
  }

  // legacy-read: plaintext-objects
  /** An object's plaintext: a sealed object is opened, an object stored in plaintext (written before encryption) is returned as it is. */
  async get(key: string): Promise<Buffer> {
    const stored = await this.getRaw(key);
    if (!isSealedObject(stored)) return stored;
    if (!this.cipher) throw new EncryptedObjectError(`s3://${this.bucket}/${key} is encrypted, and this process has no encryption keyring`);
    return this.cipher.open(key, stored);
  }

  /** The bytes as stored in S3 (ciphertext for a sealed object). */
  async getRaw(key: string): Promise<Buffer> {
    const out = await this.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    if (!out.Body) throw new Error(`s3://${this.bucket}/${key} has no body`);
    return Buffer.from(await out.Body.transformToByteArray());
  }

  async getJson<T>(key: string): Promise<T> {
    return JSON.parse((await this.get(key)).toString('utf8')) as T;
  }

  async exists(key: string): Promise<boolean> {
    try {
      await this.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return true;
    } catch (err) {
      if (err instanceof S3ServiceException && (err.$metadata.httpStatusCode === 404 || err.name === 'NotFound')) return false;
      throw err;
    }
  }

  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }));
      keys.push(...(page.Contents ?? []).flatMap((o) => (o.Key ? [o.Key] : [])));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return keys;
  }

  /** Deletes objects (erasure, key destruction); a missing key is not an error. */
  async remove(keys: readonly string[]): Promise<void> {
    for (const key of keys) await this.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  /** Every call to S3 goes through here, so an outage reaches callers as ObjectStorageUnreachableError. */
  private send: S3Client['send'] = ((command: Parameters<S3Client['send']>[0]) =>
    this.client.send(command).catch((err: unknown) => {
      throw classifyS3Error(err);
    })) as S3Client['send'];

  presign(key: string, expiresIn = this.config.presignSeconds): Promise<string> {
    return getSignedUrl(this.publicClient, new GetObjectCommand({ Bucket: this.bucket, Key: key }), { expiresIn });
  }

  destroy(): void {
    this.client.destroy();
    if (this.publicClient !== this.client) this.publicClient.destroy();
  }
}

/** Whether an S3 error means "no such object" (and not an outage or a refusal). */
export function isMissingObject(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NoSuchKey' || e?.name === 'NotFound' || e?.$metadata?.httpStatusCode === 404;
}

function isSealedObject(stored: Buffer): boolean {
  return stored.length >= SEALED_OBJECT_MAGIC.length && stored.subarray(0, SEALED_OBJECT_MAGIC.length).equals(SEALED_OBJECT_MAGIC);
}

function makeClient(config: AppConfig['s3'], endpoint: string | undefined): S3Client {
  return new S3Client({
    region: config.region,
    endpoint,
    forcePathStyle: config.forcePathStyle,
    credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
    // Temporal retries the activity; the SDK's own retries would only hide an outage for longer.
    maxAttempts: 2,
    // Without these a blackholed endpoint hangs a call until the activity's own timeout; a refused
    // connection fails at once either way. The socket timeout is idle time, so large images still stream.
    requestHandler: { connectionTimeout: 5_000, socketTimeout: 60_000 },
  });
}
