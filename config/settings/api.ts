/** The HTTP API and review page: where it listens, who may call it, and how often. */
import { z } from 'zod';
import { ConfigError } from '../../common/config';
import { parseTokenEntries } from '../../common/principals';
import { configSection } from '../configSection';
import { bool, int, list, optionalString, port, text } from './schemas';

const perMinute = int(1, 1_000_000);

export const apiSettings = configSection(
  'HTTP API',
  'The API, the review page and the codec server the Temporal UI decodes histories through.',
  {
    IMAGE_AGENT_API_TOKENS: {
      schema: optionalString,
      description: '`token:tenant:principal:role+role,…` or `token:tenant,…` (tokens of 16+ characters, or `sha256-<hex>`).',
      // The token is an entry's first field.
      secret: (entries) => entries.split(',').map((entry) => entry.trim().split(':')[0]!),
    },
    IMAGE_AGENT_API_HOST: { schema: text, default: '127.0.0.1', description: 'The address the API listens on.' },
    IMAGE_AGENT_API_PORT: { schema: port, default: '8080', description: 'The port the API listens on.' },
    IMAGE_AGENT_API_RATE_LIMIT: {
      schema: perMinute,
      default: '600',
      description: 'Ordinary requests (reads, decisions, cancels) per minute per principal (per address without a valid token).',
    },
    IMAGE_AGENT_API_RATE_LIMIT_STARTS: {
      schema: perMinute.optional(),
      defaultText: 'a tenth of the ordinary limit',
      description: 'Starts per minute per principal, a budget of their own.',
    },
    IMAGE_AGENT_API_RATE_LIMIT_UPLOADS: {
      schema: perMinute.optional(),
      defaultText: 'a tenth of the ordinary limit',
      description: 'Uploads per minute per principal.',
    },
    IMAGE_AGENT_API_RATE_LIMIT_CODEC: {
      schema: perMinute.optional(),
      defaultText: 'half the ordinary limit',
      description: 'Codec calls per minute per principal (the Temporal UI decodes a history in many calls).',
    },
    IMAGE_AGENT_API_TRUST_PROXY: {
      schema: bool,
      default: 'false',
      description: 'Behind a TLS-terminating proxy: trust its `X-Forwarded-*` headers (the review cookie is then Secure for https).',
    },
    IMAGE_AGENT_API_TLS_CERT: { schema: optionalString, description: 'A PEM certificate file, to serve https directly (with the key).' },
    IMAGE_AGENT_API_TLS_KEY: { schema: optionalString, description: 'The PEM key file of that certificate.' },
    IMAGE_AGENT_API_PUBLIC_URL: {
      schema: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
      defaultText: 'http://localhost:<IMAGE_AGENT_API_PORT>',
      description: 'Where reviewers reach the API: the base of the review links in webhook payloads (workers read it too).',
    },
    IMAGE_AGENT_CODEC_CORS_ORIGINS: {
      schema: list,
      defaultText: 'the local Temporal UI',
      description: 'Origins allowed, with credentials, to call the codec server (the Temporal UI’s).',
    },
  },
  (s, context) => ({
    api: {
      host: s.IMAGE_AGENT_API_HOST,
      port: s.IMAGE_AGENT_API_PORT,
      tokens: parseTokenEntries(s.IMAGE_AGENT_API_TOKENS, (m) => new ConfigError(m)),
      rateLimits: {
        ordinary: s.IMAGE_AGENT_API_RATE_LIMIT,
        start: s.IMAGE_AGENT_API_RATE_LIMIT_STARTS ?? Math.ceil(s.IMAGE_AGENT_API_RATE_LIMIT / 10),
        upload: s.IMAGE_AGENT_API_RATE_LIMIT_UPLOADS ?? Math.ceil(s.IMAGE_AGENT_API_RATE_LIMIT / 10),
        codec: s.IMAGE_AGENT_API_RATE_LIMIT_CODEC ?? Math.ceil(s.IMAGE_AGENT_API_RATE_LIMIT / 2),
      },
      trustProxy: s.IMAGE_AGENT_API_TRUST_PROXY,
      publicUrl: (s.IMAGE_AGENT_API_PUBLIC_URL ?? `http://localhost:${s.IMAGE_AGENT_API_PORT}`).replace(/\/$/, ''),
      ...(s.IMAGE_AGENT_API_TLS_CERT && s.IMAGE_AGENT_API_TLS_KEY ? { tls: { certFile: s.IMAGE_AGENT_API_TLS_CERT, keyFile: s.IMAGE_AGENT_API_TLS_KEY } } : {}),
    },
    codecCorsOrigins: s.IMAGE_AGENT_CODEC_CORS_ORIGINS.length
      ? s.IMAGE_AGENT_CODEC_CORS_ORIGINS
      : [`http://localhost:${context.temporalUiPort}`, `http://127.0.0.1:${context.temporalUiPort}`],
  }),
);
