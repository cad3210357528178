/**
 * A PayloadCodec that compresses text-heavy payloads (prompts, grounded context, critiques, run results)
 * with Brotli. It runs before the encryption codec in the chain (`payloadCodecs: [compression,
 * encryption]`): ciphertext does not compress, so compression has to see the plaintext. A payload
 * becomes {encoding: binary/brotli}, its data the compressed protobuf of the original Payload.
 *
 * Small payloads, and payloads that would not shrink by a tenth, pass through unchanged, as do payloads
 * without the compressed encoding on decode (histories written before compression existed).
 * legacy-read: uncompressed-payloads
 */
import { promisify } from 'node:util';
import { brotliCompress, brotliDecompress, constants } from 'node:zlib';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';

export const COMPRESSED_ENCODING = 'binary/brotli';
/** Below this, the codec's framing and Brotli's header eat most of the gain. */
const MIN_BYTES = 256;
/** Temporal refuses payloads over 2 MB, so nothing larger was ever compressed: a bigger output is a bomb. */
const MAX_DECOMPRESSED_BYTES = 4 * 1024 * 1024;
/** Quality 5: most of Brotli's ratio on JSON at a fraction of the CPU of the default 11 (every payload of every run passes here). */
const QUALITY = 5;

const compress = promisify(brotliCompress);
const decompress = promisify(brotliDecompress);
const encodingOf = (p: Payload) => (p.metadata?.encoding ? Buffer.from(p.metadata.encoding).toString('utf8') : undefined);

export class CompressionCodec implements PayloadCodec {
  async encode(payloads: Payload[]): Promise<Payload[]> {
    return Promise.all(
      payloads.map(async (p) => {
        if (encodingOf(p) === COMPRESSED_ENCODING) return p;
        const raw = temporal.api.common.v1.Payload.encode(p).finish();
        if (raw.length < MIN_BYTES) return p;
        const packed = await compress(raw, {
          params: { [constants.BROTLI_PARAM_QUALITY]: QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: raw.length },
        });
        if (packed.length > raw.length * 0.9) return p;
        return { metadata: { encoding: Buffer.from(COMPRESSED_ENCODING) }, data: packed };
      }),
    );
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return Promise.all(payloads.map((p) => this.decodeOne(p)));
  }

  /**
   * One payload, its decompressed protobuf held to `maxBytes` (at most the per-payload cap): Brotli stops
   * writing at the limit, so a bomb costs the limit, never its claimed size. Beyond it: DecompressedTooLargeError.
   */
  async decodeOne(p: Payload, maxBytes = MAX_DECOMPRESSED_BYTES): Promise<Payload> {
    if (encodingOf(p) !== COMPRESSED_ENCODING) return p;
    const limit = Math.min(maxBytes, MAX_DECOMPRESSED_BYTES);
    let raw: Buffer;
    try {
      raw = await decompress(p.data ?? new Uint8Array(), { maxOutputLength: limit });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw new DecompressedTooLargeError(limit);
      throw err;
    }
    return temporal.api.common.v1.Payload.decode(raw) as Payload;
  }
}

export class DecompressedTooLargeError extends Error {
  override name = 'DecompressedTooLargeError';
  constructor(readonly limit: number) {
    super(`a compressed payload expands past ${limit} bytes`);
  }
}
