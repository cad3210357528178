/**
 * The user's own reference images: the one way an image enters a tenant's storage. The bytes are checked
 * (type, size, that they decode as an image), normalised to PNG and kept under the tenant's prefix as
 * `tenants/<tenant>/uploads/up_<hash>.png`, the id a hash of the PNG, so uploading the same image twice
 * is the same upload. Used by `POST /v1/uploads`, `generate --image` and the batch loaders.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import sharp from 'sharp';
import { uploadKey } from '../common/objectKeys';
import { InvalidRequestError } from '../common/requestSchema';
import type { ObjectStore } from '../providers/objectStore';
import { UsageError } from './usageError';

export const UPLOAD_MAX_BYTES = 20 * 1024 * 1024;
/** Decoded size limit: a small file that decodes into a huge bitmap (a decompression bomb) is refused. */
const MAX_PIXELS = 40_000_000;
const UPLOAD_CONTENT_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'image/gif'] as const;

/** An upload refused for its content; `status` is the HTTP answer (400, 413 or 415). */
export class UploadRejectedError extends InvalidRequestError {
  constructor(message: string, status: 400 | 413 | 415) {
    super(message, status);
  }
}

export interface StoredUpload {
  uploadId: string;
  key: string;
  width: number;
  height: number;
  bytes: number;
}

export async function storeUpload(store: ObjectStore, tenantId: string, bytes: Buffer, contentType?: string): Promise<StoredUpload> {
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  if (type !== undefined && !(UPLOAD_CONTENT_TYPES as readonly string[]).includes(type)) {
    throw new UploadRejectedError(`upload content type ${type.slice(0, 80)} is not accepted: use ${UPLOAD_CONTENT_TYPES.join(', ')}`, 415);
  }
  if (bytes.length === 0) throw new UploadRejectedError('the upload is empty', 400);
  if (bytes.length > UPLOAD_MAX_BYTES) throw new UploadRejectedError(`the upload is larger than ${UPLOAD_MAX_BYTES / 1024 / 1024} MB`, 413);
  let png: { data: Buffer; info: sharp.OutputInfo };
  try {
    png = await sharp(bytes, { limitInputPixels: MAX_PIXELS, failOn: 'error' }).png().toBuffer({ resolveWithObject: true });
  } catch (err) {
    const tooLarge = /pixel limit/i.test((err as Error).message);
    throw new UploadRejectedError(
      tooLarge ? `the image is larger than ${MAX_PIXELS} pixels` : 'the upload does not decode as an image (PNG, JPEG, WebP or GIF)',
      tooLarge ? 413 : 400,
    );
  }
  const uploadId = `up_${createHash('sha256').update(png.data).digest('hex').slice(0, 32)}`;
  const key = uploadKey(tenantId, uploadId);
  await store.put(key, png.data, 'image/png');
  return { uploadId, key, width: png.info.width, height: png.info.height, bytes: png.data.length };
}

/** `generate --image <file>`: each file through the same checks as an HTTP upload. */
export async function uploadInputImages(store: ObjectStore, tenantId: string, files: string[]): Promise<string[]> {
  return Promise.all(
    files.map(async (file) => {
      let bytes: Buffer;
      try {
        bytes = fs.readFileSync(file);
      } catch {
        throw new UsageError(`cannot read the image ${file}`);
      }
      try {
        return (await storeUpload(store, tenantId, bytes)).key;
      } catch (err) {
        if (err instanceof UploadRejectedError) throw new UsageError(`${file}: ${err.message}`);
        throw err;
      }
    }),
  );
}
