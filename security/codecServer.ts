/**
 * The codec server for auditors, on the API: POST /codec/encode and /codec/decode in the Temporal codec
 * server protocol ({payloads: [{metadata: {k: base64}, data: base64}]}). The same tokens as the API
 * (bearer, or the login cookie the Temporal UI sends cross-origin), the `audit` role, and the caller's
 * tenant only: another tenant's payloads, and payloads whose key was destroyed, come back encrypted.
 * CORS allows the Temporal UI's origin with credentials.
 */
import type { Payload } from '@temporalio/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppConfig } from '../common/config';
import { principalOf } from '../client/api/auth';
import type { CompressionCodec } from './compressionCodec';
import { createEncryption } from './dataConverter';

interface JsonPayload {
  metadata?: Record<string, string>;
  data?: string;
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
    if (req.url.startsWith('/codec/')) cors(config, req, reply);
  });
  for (const op of ['encode', 'decode'] as const) {
    app.options(`/codec/${op}`, async (_req, reply) => reply.code(204).send());
    app.post(`/codec/${op}`, async (req) => {
      const principal = principalOf(req, config.api.tokens, 'audit', { cookieWrites: true });
      const body = req.body as { payloads?: JsonPayload[] } | undefined;
      const payloads = (Array.isArray(body?.payloads) ? body.payloads : []).map(toPayload);
      const codec = encryption.codec;
      if (!codec) return { payloads: payloads.map(fromPayload) };
      // The chain around the tenant check: decrypted, then decompressed (encoding the other way round).
      const { compression } = encryption;
      const out =
        op === 'decode'
          ? await decompress(compression, await codec.decodeFor(principal.tenant, payloads))
          : await codec.encodeFor(principal.tenant, compression ? await compression.encode(payloads) : payloads);
      return { payloads: out.map(fromPayload) };
    });
  }
}

async function decompress(compression: CompressionCodec | undefined, payloads: Payload[]): Promise<Payload[]> {
  return compression ? compression.decode(payloads) : payloads;
}
