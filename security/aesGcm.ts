/**
 * The one AES-256-GCM construction of image-agent: iv(12) | ciphertext | tag(16), with a key id as the
 * additional data, so a ciphertext cannot be presented as another key's. Payloads (payloadCodec.ts),
 * wrapped tenant data keys (tenantKeys.ts) and objects in S3 (objectEncryption.ts) all use it.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export function sealAesGcm(key: Buffer, aad: string, plain: Uint8Array): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad));
  return Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
}

/** Throws when the data was not sealed with this key and additional data (or was changed). */
export function openAesGcm(key: Buffer, aad: string, sealed: Uint8Array): Buffer {
  const raw = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
  if (raw.length < 28) throw new Error('sealed data shorter than its iv and tag');
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
  decipher.setAAD(Buffer.from(aad));
  decipher.setAuthTag(raw.subarray(raw.length - 16));
  return Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]);
}
