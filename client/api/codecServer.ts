/**
 * The codec server for auditors, on the API: POST /codec/encode and /codec/decode in the Temporal codec
 * server protocol ({payloads: [{metadata: {k: base64}, data: base64}]}). The same tokens as the API
 * (bearer, or the login cookie the Temporal UI sends cross-origin), the `audit` role, and the caller's
 * tenant only: another tenant's payloads, and payloads whose key was destroyed, come back encrypted.
 * Bounded: CODEC_MAX_PAYLOADS per request, CODEC_MAX_DECODED_BYTES decoded per request, one payload at a time.
 * CORS allows the Temporal UI's origin with credentials.
 */
import type { Payload } from '@temporalio/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppConfig } from '../../common/config';
import { z } from 'zod';
import { callerOf } from './routeGuard';
import { InvalidRequestError } from '../../common/requestSchema';
import { DecompressedTooLargeError, type CompressionCodec } from '../../security/compressionCodec';
import { createEncryption } from '../../security/dataConverter';
import type { EncryptionCodec } from '../../security/payloadCodec';

/**
 * Where the API serves the codec: a Temporal UI's codec endpoint is the API's public URL plus this path.
 * infra/ci/check-temporal-ui.mjs reads this line to check the compose file and the Helm chart against it.
 */
const CODEC_PATH = '/codec';

/** The codec protocol's body, checked once at the edge; `payloads` beyond the cap answer 413, not 400. */
const codecBody = z.object({
  payloads: z.array(z.object({ metadata: z.record(z.string(), z.string()).optional(), data: z.string().optional() })),
});
type JsonPayload = z.infer<typeof codecBody>['payloads'][number];

/** Payloads per request: a history event carries a handful; the Temporal UI and CLI send one event's at a time. */
export const CODEC_MAX_PAYLOADS = 200;
/**
 * Decoded bytes per decode request in all: two of the largest payloads a run can write (Temporal refuses
 * payloads over 2 MB before compression). The answer, base64 in JSON, stays under a few times this.
 */
export const CODEC_MAX_DECODED_BYTES = 8 * 1024 * 1024;

/** A request past one of the codec server's caps: 413, naming the cap. */
class CodecLimitError extends Error {
  override name = 'CodecLimitError';
  readonly statusCode = 413;
}

const toPayload = (p: JsonPayload): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(p.data ?? '', 'base64'),
});
const fromPayload = (p: Payload): JsonPayload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? new Uint8Array()).toString('base64')])),
  data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
});

function cors(config: AppConfig, req: FastifyRequest, reply: FastifyReply): void {
  const origin = req.headers.origin;
  if (!origin || !config.security.codecCorsOrigins.includes(origin)) return;
  reply
    .header('access-control-allow-origin', origin)
    .header('access-control-allow-credentials', 'true')
    .header('access-control-allow-methods', 'POST, OPTIONS')
    .header('access-control-allow-headers', req.headers['access-control-request-headers'] ?? 'content-type, x-namespace, authorization')
    .header('access-control-max-age', '600')
    .header('vary', 'Origin');
}

export function registerCodecRoutes(app: FastifyInstance, config: AppConfig): void {
  const encryption = createEncryption(config);
  app.addHook('onClose', async () => encryption.close());
  app.addHook('onRequest', async (req, reply) => {
    if (req.url.startsWith(`${CODEC_PATH}/`)) cors(config, req, reply);
  });
  // The audit role is checked before the handler (client/api/routeRoles.ts), so is the body's size (256 KB).
  for (const op of ['encode', 'decode'] as const) {
    app.options(`${CODEC_PATH}/${op}`, async (_req, reply) => reply.code(204).send());
    app.post(`${CODEC_PATH}/${op}`, async (req) => {
      const tenant = callerOf(req).tenant;
      const body = codecBody.safeParse(req.body ?? { payloads: [] });
      if (!body.success)
        throw new InvalidRequestError(`invalid codec request: ${body.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ')}`);
      if (body.data.payloads.length > CODEC_MAX_PAYLOADS) {
        throw new CodecLimitError(`${body.data.payloads.length} payloads in one request; at most ${CODEC_MAX_PAYLOADS} (CODEC_MAX_PAYLOADS)`);
      }
      const payloads = body.data.payloads.map(toPayload);
      const codec = encryption.codec;
      if (!codec) return { payloads: payloads.map(fromPayload) };
      const { compression } = encryption;
      const out =
        op === 'decode'
          ? await decodeWithin(codec, compression, tenant, payloads)
          : await codec.encodeFor(tenant, compression ? await compression.encode(payloads) : payloads);
      return { payloads: out.map(fromPayload) };
    });
  }
}

/**
 * The caller's own encrypted payloads, decrypted and then decompressed, one at a time, within
 * CODEC_MAX_DECODED_BYTES for the whole request. Everything else comes back exactly as sent: another
 * tenant's payloads, payloads whose key is gone, and plaintext, a bare `binary/brotli` payload included
 * (decompressing what the caller sent would make the server a decompression service for any bomb).
 */
async function decodeWithin(codec: EncryptionCodec, compression: CompressionCodec | undefined, tenant: string, payloads: Payload[]): Promise<Payload[]> {
  const out: Payload[] = [];
  let left = CODEC_MAX_DECODED_BYTES;
  for (const p of payloads) {
    const [opened = p] = await codec.decodeFor(tenant, [p]);
    if (opened === p) {
      out.push(p);
      continue;
    }
    let decoded: Payload;
    try {
      decoded = compression ? await compression.decodeOne(opened, left) : opened;
    } catch (err) {
      if (err instanceof DecompressedTooLargeError) throw tooMuch();
      throw err;
    }
    left -= payloadBytes(decoded);
    if (left < 0) throw tooMuch();
    out.push(decoded);
  }
  return out;
}

const tooMuch = () =>
  new CodecLimitError(
    `the decoded payloads exceed ${CODEC_MAX_DECODED_BYTES} bytes, the limit per request (CODEC_MAX_DECODED_BYTES); decode fewer payloads at a time`,
  );

const payloadBytes = (p: Payload): number => (p.data?.length ?? 0) + Object.entries(p.metadata ?? {}).reduce((n, [k, v]) => n + k.length + (v?.length ?? 0), 0);
