/**
 * Object storage for images, references and reports: any S3-compatible server (SeaweedFS locally;
 * AWS S3, MinIO or R2 in production). Images never travel through Temporal: activities put them here
 * and pass `StoredObject` references.
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
import type { StoredObject } from '../common/types';

// image-agent supports Node 20 (see README); the SDK's notice about its future Node 22 floor is not actionable per call.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export class ObjectStore {
  readonly bucket: string;
  private readonly client: S3Client;
  /** Signs URLs for people: may use a public host different from the one workers reach. */
  private readonly publicClient: S3Client;

  constructor(private readonly config: AppConfig['s3']) {
    this.bucket = config.bucket;
    this.client = makeClient(config, config.endpoint);
    this.publicClient = config.publicEndpoint ? makeClient(config, config.publicEndpoint) : this.client;
  }

  async ensureBucket(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
    } catch (err) {
      if (!(err instanceof S3ServiceException) || (err.$metadata.httpStatusCode !== 404 && err.name !== 'NotFound')) throw err;
      await this.client.send(new CreateBucketCommand({ Bucket: this.bucket }));
    }
  }

  /** Writes bytes under a deterministic key; a retried activity overwrites rather than duplicates. */
  async put(key: string, body: Buffer, contentType: string, metadata: Record<string, string> = {}): Promise<StoredObject> {
    const sha256 = createHash('sha256').update(body).digest('hex');
    await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType, Metadata: { sha256, ...metadata } }));
    return { bucket: this.bucket, key, sha256, bytes: body.length, contentType };
  }

  async putJson(key: string, value: unknown): Promise<StoredObject> {
    return this.put(key, Buffer.from(JSON.stringify(value, null, 2)), 'application/json');
  }

  async get(key: string): Promise<Buffer> {
    const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    if (!out.Body) throw new Error(`s3://${this.bucket}/${key} has no body`);
    return Buffer.from(await out.Body.transformToByteArray());
  }

  async getJson<T>(key: string): Promise<T> {
    return JSON.parse((await this.get(key)).toString('utf8')) as T;
  }

  async exists(key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
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
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }));
      keys.push(...(page.Contents ?? []).flatMap((o) => (o.Key ? [o.Key] : [])));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return keys;
  }

  /** Deletes objects (erasure, key destruction); a missing key is not an error. */
  async remove(keys: readonly string[]): Promise<void> {
    for (const key of keys) await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  presign(key: string, expiresIn = this.config.presignSeconds): Promise<string> {
    return getSignedUrl(this.publicClient, new GetObjectCommand({ Bucket: this.bucket, Key: key }), { expiresIn });
  }

  destroy(): void {
    this.client.destroy();
    if (this.publicClient !== this.client) this.publicClient.destroy();
  }
}

function makeClient(config: AppConfig['s3'], endpoint: string | undefined): S3Client {
  return new S3Client({
    region: config.region,
    endpoint,
    forcePathStyle: config.forcePathStyle,
    credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
    // Temporal retries the activity; the SDK's own retries would only hide an outage for longer.
    maxAttempts: 2,
  });
}
