/**
 * Every setting of image-agent, read from the environment once, validated, documented in the README. The
 * model vendors' and search backends' own settings and choices come from their descriptions
 * (providers/modelVendorList.ts, providers/search/searchBackendList.ts). Workflow code must never import this
 * module (it reads process.env); activities and processes do.
 */
import os from 'node:os';
import path from 'node:path';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import type { NativeConnectionOptions } from '@temporalio/worker';
import { z } from 'zod';
import { ConfigError, priceSchema, redactUrl, type AppConfig, type Prices } from '../common/config';
import { MODEL_ROLES, type ModelRole } from '../common/modelRoles';
import { registerSecrets } from '../common/redact';
import { projectRoot } from '../common/paths';
import { parseTokenEntries } from '../common/principals';
import { durationSchema, outageWindowSchema } from '../common/requestSchema';
import { durationMs } from '../common/duration';
import { withStackSlot } from '../common/stackSlot';
import { gpuTaskQueueFor } from '../common/taskQueues';
import { allSettings, IMAGE_BACKEND_NAMES, requiredSettings, WEB_BACKEND_NAMES } from '../providers/search/searchBackends';
import { allVendorSettings, chooseVendors, roleVendorVariable, VENDOR_NAMES, vendorEndpoint, vendorsLabel } from '../providers/modelVendors';

const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off']).transform((v) => ['true', '1', 'yes', 'on'].includes(v));
const port = z.coerce.number().int().min(1).max(65535);
/** An optional port: unset or empty means none. */
const optionalPort = z
  .union([z.literal(''), z.coerce.number().int().min(1).max(65535)])
  .optional()
  .transform((v) => (v === '' || v === undefined ? undefined : v));
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v));

const envSchema = z.object({
  // Temporal (address, namespace, API key and TLS come through @temporalio/envconfig)
  IMAGE_AGENT_TASK_QUEUE: z.string().min(1).default('image-agent'),
  TEMPORAL_UI_URL: z.url().default('http://localhost:8233'),

  // Object storage (any S3-compatible server)
  S3_ENDPOINT: optionalString.pipe(z.url().optional()).default('http://127.0.0.1:8333'),
  S3_PUBLIC_ENDPOINT: optionalString.pipe(z.url().optional()),
  S3_REGION: z.string().min(1).default('us-east-1'),
  S3_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'S3 bucket names are 3-63 lowercase letters, digits, dots or hyphens')
    .default('image-agent'),
  S3_ACCESS_KEY_ID: z.string().min(1).default('image-agent-dev'),
  S3_SECRET_ACCESS_KEY: z.string().min(1).default('image-agent-dev-secret'),
  S3_FORCE_PATH_STYLE: bool.default(true),
  S3_PRESIGN_SECONDS: z.coerce.number().int().min(60).max(604800).default(3600),

  // Postgres (embedded PGlite by default)
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must be a postgres:// URL')
    .default('postgres://postgres@127.0.0.1:25432/postgres'),

  // Models: the vendor of every role by default (each role's own IMAGE_AGENT_<ROLE>_VENDOR overrides it, read
  // by modelSettings below); the choices and each vendor's settings (OPENAI_BASE_URL…) come from the vendors'
  // descriptions (providers/modelVendorList.ts).
  IMAGE_AGENT_PROVIDERS: z.enum(['auto', ...VENDOR_NAMES]).default('auto'),
  IMAGE_AGENT_MODEL_PLANNER: z.string().min(1).default('gpt-4.1'),
  IMAGE_AGENT_MODEL_REASONER: z.string().min(1).default('gpt-4.1'),
  IMAGE_AGENT_MODEL_VLM: z.string().min(1).default('gpt-4.1'),
  IMAGE_AGENT_MODEL_IMAGE: z.string().min(1).default('gpt-image-1'),
  IMAGE_AGENT_MODEL_EMBEDDINGS: z.string().min(1).default('text-embedding-3-small'),
  /** The benchmark judge; defaults to the VLM. */
  IMAGE_AGENT_MODEL_JUDGE: optionalString,
  IMAGE_AGENT_BATCH_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(4),
  IMAGE_AGENT_IMAGE_SEED: bool.default(false),
  IMAGE_AGENT_MODEL_TIMEOUT_MS: z.coerce.number().int().min(1000).default(120_000),

  // Grounding: web and image search, page fetching
  // The choices come from the backends' descriptions (providers/search/searchBackendList.ts), and so do
  // the settings each one needs (read below, by searchSettings).
  WEB_SEARCH_BACKEND: z.enum(WEB_BACKEND_NAMES).default('local'),
  IMAGE_SEARCH_BACKEND: z.enum(IMAGE_BACKEND_NAMES).default('local'),
  LOCAL_CORPUS_DIR: z.string().min(1).default('knowledge/corpus'),
  LOCAL_IMAGE_DIR: z.string().min(1).default('knowledge/images'),
  SEARCH_MAX_RESULTS: z.coerce.number().int().min(1).max(5).default(5),
  /** Share of a question's key terms a search result, memory item or earlier turn must hold to be used. */
  IMAGE_AGENT_RELEVANCE_THRESHOLD: z.coerce.number().min(0).max(1).default(0.5),
  /** Cosine similarity that also admits an item, where an embedding model exists. */
  IMAGE_AGENT_RELEVANCE_MIN_SIMILARITY: z.coerce.number().min(0).max(1).default(0.8),
  WEB_FETCH_TIMEOUT_MS: z.coerce.number().int().min(500).max(120_000).default(10_000),
  WEB_FETCH_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(50 * 1024 * 1024)
    .default(5 * 1024 * 1024),
  WEB_FETCH_ALLOW_HOSTS: optionalString,

  // Human review, webhooks, HTTP API
  IMAGE_AGENT_REVIEW_REQUIRED: bool.default(false),
  IMAGE_AGENT_PLAN_APPROVAL: bool.default(false),
  IMAGE_AGENT_REVIEW_TIMEOUT: optionalString.pipe(durationSchema.optional()),
  IMAGE_AGENT_REVIEW_ON_TIMEOUT: z.enum(['approve_best', 'reject', 'expire']).default('expire'),
  IMAGE_AGENT_WEBHOOK_SECRET: optionalString,
  /** HMAC key for ids built from user-chosen names (session workflow ids): set your own in production. */
  IMAGE_AGENT_ID_KEY: z.string().min(16, 'IMAGE_AGENT_ID_KEY must be at least 16 characters').default('image-agent-local-id-key'),
  WEBHOOK_ALLOW_HOSTS: optionalString,
  IMAGE_AGENT_API_TOKENS: optionalString,
  IMAGE_AGENT_API_PORT: port.default(8080),
  IMAGE_AGENT_API_HOST: z.string().min(1).default('127.0.0.1'),
  /** Ordinary requests (reads, decisions, cancels) per minute per principal (per address without a valid token). */
  IMAGE_AGENT_API_RATE_LIMIT: z.coerce.number().int().min(1).max(1_000_000).default(600),
  /** The costly classes, each its own budget per minute; unset: a tenth (starts, uploads) or half (codec: the Temporal UI decodes a history in many calls) of the ordinary one. */
  IMAGE_AGENT_API_RATE_LIMIT_STARTS: z.coerce.number().int().min(1).max(1_000_000).optional(),
  IMAGE_AGENT_API_RATE_LIMIT_UPLOADS: z.coerce.number().int().min(1).max(1_000_000).optional(),
  IMAGE_AGENT_API_RATE_LIMIT_CODEC: z.coerce.number().int().min(1).max(1_000_000).optional(),
  /** Behind a TLS-terminating proxy: trust its X-Forwarded-* headers (the review cookie is then Secure for https). */
  IMAGE_AGENT_API_TRUST_PROXY: bool.default(false),
  IMAGE_AGENT_API_TLS_CERT: optionalString,
  IMAGE_AGENT_API_TLS_KEY: optionalString,
  IMAGE_AGENT_PRICES: optionalString,
  /** Payload encryption (README, "Encryption and key management"): on unless turned off. */
  IMAGE_AGENT_ENCRYPTION: bool.default(true),
  IMAGE_AGENT_ENCRYPTION_KEYS: optionalString,
  /** Brotli compression of payloads ahead of encryption (README, "Performance"). */
  IMAGE_AGENT_COMPRESSION: bool.default(true),
  IMAGE_AGENT_ENCRYPTION_KEYRING_FILE: optionalString,
  /** Wrapped data keys kept on local disk, so an object-storage outage does not stop runs ("off": none). */
  IMAGE_AGENT_KEY_CACHE_DIR: optionalString,
  /** A data key is replaced after this many encryptions by one process, or at this age (96-bit random IVs). */
  IMAGE_AGENT_DATA_KEY_MAX_USES: z.coerce
    .number()
    .int()
    .min(1)
    .max(2 ** 30)
    .default(2 ** 22),
  IMAGE_AGENT_DATA_KEY_MAX_AGE: optionalString.pipe(durationSchema.optional()),
  /** Ed25519 private key (PEM, or base64 of PKCS#8 DER) the API signs review decisions with. */
  IMAGE_AGENT_REVIEW_SIGNING_KEY: optionalString,
  /** Tenants whose runs need a reviewer other than the requester ("acme,beta", or "*"). */
  IMAGE_AGENT_FOUR_EYES_TENANTS: optionalString,
  /** The shortest review wait a four-eyes tenant's runs may ask for (shorter ones are refused). */
  IMAGE_AGENT_FOUR_EYES_MIN_REVIEW_TIMEOUT: optionalString.pipe(durationSchema.optional()),
  /** The Temporal UI's origin, allowed (with credentials) by the codec server's CORS. */
  IMAGE_AGENT_CODEC_CORS_ORIGINS: optionalString,
  /** How long an erased user's new runs are refused (`erase --user`). */
  IMAGE_AGENT_ERASURE_TOMBSTONE: optionalString.pipe(durationSchema.optional()),

  // Worker processes
  IMAGE_AGENT_GPU_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
  IMAGE_AGENT_ACTIVITY_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(20),
  /** Where a GPU worker keeps rendered bytes until they are uploaded (a retry reuses them). */
  IMAGE_AGENT_RENDER_SPOOL_DIR: optionalString,
  /** How long a run waits out a dependency's outage before a stage gives up (README, "Outages"). */
  IMAGE_AGENT_OUTAGE_WINDOW: optionalString.pipe(outageWindowSchema.optional()),

  // Operations: the /metrics, /healthz, /readyz endpoint of each process, logs, traces, draining
  IMAGE_AGENT_OPS_HOST: z.string().min(1).default('127.0.0.1'),
  /** Unset: no ops endpoint (the local stack); containers set 9464. */
  IMAGE_AGENT_OPS_PORT: optionalPort,
  /** Loopback port of the Temporal SDK's Prometheus exporter, folded into /metrics; default ops port + 1. */
  IMAGE_AGENT_SDK_METRICS_PORT: optionalPort,
  IMAGE_AGENT_LOG_FORMAT: z.enum(['text', 'json']).default('text'),
  OTEL_EXPORTER_OTLP_ENDPOINT: optionalString.pipe(z.url().optional()),
  /** Seconds a worker's running activities get to finish after SIGTERM (Worker shutdownGraceTime). */
  IMAGE_AGENT_WORKER_GRACE_SECONDS: z.coerce.number().int().min(0).max(3600).default(60),
  /** Seconds the API gives in-flight requests after SIGTERM. */
  IMAGE_AGENT_SHUTDOWN_GRACE_SECONDS: z.coerce.number().int().min(0).max(600).default(20),

  // Local stack ports (used by `stack:up` and as defaults above)
  STACK_TEMPORAL_PORT: port.default(7233),
  STACK_TEMPORAL_UI_PORT: port.default(8233),
  STACK_S3_PORT: port.default(8333),
  STACK_PGLITE_PORT: port.default(25432),
  STACK_DIR: z.string().min(1).default('.stack'),
});

export function loadConfig(rawEnv: NodeJS.ProcessEnv = process.env): AppConfig {
  let env: NodeJS.ProcessEnv;
  try {
    env = withStackSlot(rawEnv);
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration: ${lines.join('; ')} (see README, "Configuration")`);
  }
  const e = parsed.data;
  const temporal = loadTemporalConnection(env);
  const models = modelSettings(env, e.IMAGE_AGENT_PROVIDERS);
  const searchSettingValues = searchSettings(env, e.WEB_SEARCH_BACKEND, e.IMAGE_SEARCH_BACKEND);
  // Every secret this process holds is masked in error messages (common/redact.ts).
  registerSecrets([
    ...Object.entries(allVendorSettings()).flatMap(([variable, kind]) => (kind.endsWith('secret') ? [models.settings[variable]] : [])),
    e.IMAGE_AGENT_WEBHOOK_SECRET,
    e.S3_SECRET_ACCESS_KEY,
    e.IMAGE_AGENT_ID_KEY,
    env.TEMPORAL_API_KEY,
    // The review-signing key whole and line by line (a PEM's body), and each master key of the list.
    e.IMAGE_AGENT_REVIEW_SIGNING_KEY,
    ...(e.IMAGE_AGENT_REVIEW_SIGNING_KEY ?? '').split(/\r?\n/).filter((l) => !l.startsWith('-----')),
    ...(e.IMAGE_AGENT_ENCRYPTION_KEYS ?? '').split(',').map((k) => k.slice(k.indexOf(':') + 1).trim()),
    ...Object.entries(searchSettingValues).flatMap(([k, v]) => (/KEY|TOKEN|SECRET/.test(k) ? [v] : [])),
    // The token is an entry's first field (token:tenant or token:tenant:principal:roles).
    ...(e.IMAGE_AGENT_API_TOKENS ?? '').split(',').map((t) => t.trim().split(':')[0]),
  ]);
  return {
    temporal: {
      connection: temporal.connection,
      namespace: temporal.namespace,
      taskQueue: e.IMAGE_AGENT_TASK_QUEUE,
      // Workflows derive the GPU queue from their own queue (see common/taskQueues.ts).
      gpuTaskQueue: gpuTaskQueueFor(e.IMAGE_AGENT_TASK_QUEUE),
      uiUrl: e.TEMPORAL_UI_URL.replace(/\/$/, ''),
    },
    s3: {
      endpoint: e.S3_ENDPOINT,
      publicEndpoint: e.S3_PUBLIC_ENDPOINT,
      region: e.S3_REGION,
      bucket: e.S3_BUCKET,
      accessKeyId: e.S3_ACCESS_KEY_ID,
      secretAccessKey: e.S3_SECRET_ACCESS_KEY,
      forcePathStyle: e.S3_FORCE_PATH_STYLE,
      presignSeconds: e.S3_PRESIGN_SECONDS,
    },
    databaseUrl: e.DATABASE_URL,
    models: {
      mode: vendorsLabel(models.vendors),
      vendors: models.vendors,
      settings: models.settings,
      roles: {
        planner: e.IMAGE_AGENT_MODEL_PLANNER,
        reasoner: e.IMAGE_AGENT_MODEL_REASONER,
        vlm: e.IMAGE_AGENT_MODEL_VLM,
        image: e.IMAGE_AGENT_MODEL_IMAGE,
        embeddings: e.IMAGE_AGENT_MODEL_EMBEDDINGS,
        judge: e.IMAGE_AGENT_MODEL_JUDGE ?? e.IMAGE_AGENT_MODEL_VLM,
      },
      timeoutMs: e.IMAGE_AGENT_MODEL_TIMEOUT_MS,
      sendSeed: e.IMAGE_AGENT_IMAGE_SEED,
    },
    search: {
      webBackend: e.WEB_SEARCH_BACKEND,
      imageBackend: e.IMAGE_SEARCH_BACKEND,
      localCorpusDir: path.resolve(projectRoot, e.LOCAL_CORPUS_DIR),
      localImageDir: path.resolve(projectRoot, e.LOCAL_IMAGE_DIR),
      settings: searchSettingValues,
      maxResults: e.SEARCH_MAX_RESULTS,
      relevance: { threshold: e.IMAGE_AGENT_RELEVANCE_THRESHOLD, minSimilarity: e.IMAGE_AGENT_RELEVANCE_MIN_SIMILARITY },
      fetch: {
        timeoutMs: e.WEB_FETCH_TIMEOUT_MS,
        maxBytes: e.WEB_FETCH_MAX_BYTES,
        allowHosts: hostList(e.WEB_FETCH_ALLOW_HOSTS),
      },
    },
    review: {
      defaults: {
        required: e.IMAGE_AGENT_REVIEW_REQUIRED,
        planApproval: e.IMAGE_AGENT_PLAN_APPROVAL,
        onTimeout: e.IMAGE_AGENT_REVIEW_ON_TIMEOUT,
        ...(e.IMAGE_AGENT_REVIEW_TIMEOUT ? { timeout: e.IMAGE_AGENT_REVIEW_TIMEOUT } : {}),
      },
    },
    ids: { key: e.IMAGE_AGENT_ID_KEY },
    webhooks: { secret: e.IMAGE_AGENT_WEBHOOK_SECRET, allowHosts: hostList(e.WEBHOOK_ALLOW_HOSTS) },
    api: {
      host: e.IMAGE_AGENT_API_HOST,
      port: e.IMAGE_AGENT_API_PORT,
      tokens: parseTokenEntries(e.IMAGE_AGENT_API_TOKENS, (m) => new ConfigError(m)),
      rateLimits: {
        ordinary: e.IMAGE_AGENT_API_RATE_LIMIT,
        start: e.IMAGE_AGENT_API_RATE_LIMIT_STARTS ?? Math.ceil(e.IMAGE_AGENT_API_RATE_LIMIT / 10),
        upload: e.IMAGE_AGENT_API_RATE_LIMIT_UPLOADS ?? Math.ceil(e.IMAGE_AGENT_API_RATE_LIMIT / 10),
        codec: e.IMAGE_AGENT_API_RATE_LIMIT_CODEC ?? Math.ceil(e.IMAGE_AGENT_API_RATE_LIMIT / 2),
      },
      trustProxy: e.IMAGE_AGENT_API_TRUST_PROXY,
      ...(e.IMAGE_AGENT_API_TLS_CERT && e.IMAGE_AGENT_API_TLS_KEY ? { tls: { certFile: e.IMAGE_AGENT_API_TLS_CERT, keyFile: e.IMAGE_AGENT_API_TLS_KEY } } : {}),
    },
    prices: parsePrices(e.IMAGE_AGENT_PRICES),
    encryption: {
      enabled: e.IMAGE_AGENT_ENCRYPTION,
      compress: e.IMAGE_AGENT_COMPRESSION,
      ...(e.IMAGE_AGENT_ENCRYPTION_KEYS ? { keys: e.IMAGE_AGENT_ENCRYPTION_KEYS } : {}),
      ...(e.IMAGE_AGENT_ENCRYPTION_KEYRING_FILE ? { keyringFile: path.resolve(projectRoot, e.IMAGE_AGENT_ENCRYPTION_KEYRING_FILE) } : {}),
      ...(e.IMAGE_AGENT_KEY_CACHE_DIR === 'off'
        ? {}
        : { keyCacheDir: path.resolve(projectRoot, e.IMAGE_AGENT_KEY_CACHE_DIR ?? path.join(e.STACK_DIR, 'key-cache')) }),
      dataKeyMaxUses: e.IMAGE_AGENT_DATA_KEY_MAX_USES,
      dataKeyMaxAge: e.IMAGE_AGENT_DATA_KEY_MAX_AGE ?? '7 days',
    },
    security: {
      ...(e.IMAGE_AGENT_REVIEW_SIGNING_KEY ? { reviewSigningKey: e.IMAGE_AGENT_REVIEW_SIGNING_KEY } : {}),
      fourEyesTenants: (e.IMAGE_AGENT_FOUR_EYES_TENANTS ?? '')
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean),
      fourEyesMinReviewTimeout: e.IMAGE_AGENT_FOUR_EYES_MIN_REVIEW_TIMEOUT ?? '1 hour',
      codecCorsOrigins: (e.IMAGE_AGENT_CODEC_CORS_ORIGINS ?? `http://localhost:${e.STACK_TEMPORAL_UI_PORT},http://127.0.0.1:${e.STACK_TEMPORAL_UI_PORT}`)
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean),
    },
    erasure: { tombstoneMs: durationMs(e.IMAGE_AGENT_ERASURE_TOMBSTONE ?? '30 days') },
    batch: { concurrency: e.IMAGE_AGENT_BATCH_CONCURRENCY },
    workers: {
      gpuConcurrency: e.IMAGE_AGENT_GPU_CONCURRENCY,
      activityConcurrency: e.IMAGE_AGENT_ACTIVITY_CONCURRENCY,
      renderSpoolDir: e.IMAGE_AGENT_RENDER_SPOOL_DIR
        ? path.resolve(projectRoot, e.IMAGE_AGENT_RENDER_SPOOL_DIR)
        : path.join(os.tmpdir(), 'image-agent-render-spool'),
    },
    outageWindow: e.IMAGE_AGENT_OUTAGE_WINDOW,
    telemetry: {
      opsHost: e.IMAGE_AGENT_OPS_HOST,
      opsPort: e.IMAGE_AGENT_OPS_PORT,
      sdkMetricsPort:
        e.IMAGE_AGENT_SDK_METRICS_PORT ?? (e.IMAGE_AGENT_OPS_PORT !== undefined && e.IMAGE_AGENT_OPS_PORT > 0 ? e.IMAGE_AGENT_OPS_PORT + 1 : undefined),
      logFormat: e.IMAGE_AGENT_LOG_FORMAT,
      otlpEndpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT,
    },
    shutdown: {
      workerGraceMs: e.IMAGE_AGENT_WORKER_GRACE_SECONDS * 1000,
      apiGraceMs: e.IMAGE_AGENT_SHUTDOWN_GRACE_SECONDS * 1000,
    },
    stack: {
      dir: path.resolve(projectRoot, e.STACK_DIR),
      temporalPort: e.STACK_TEMPORAL_PORT,
      temporalUiPort: e.STACK_TEMPORAL_UI_PORT,
      s3Port: e.STACK_S3_PORT,
      pglitePort: e.STACK_PGLITE_PORT,
    },
  };
}

function hostList(text: string | undefined): string[] {
  return (text ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
}

/** IMAGE_AGENT_PRICES: JSON {"model": {"inputPerMTok": 2, "outputPerMTok": 8, "perImage": 0.04}} in your currency. */
function parsePrices(text: string | undefined): Prices {
  if (!text) return {};
  try {
    return priceSchema.parse(JSON.parse(text));
  } catch (err) {
    throw new ConfigError(`IMAGE_AGENT_PRICES is not valid: ${(err as Error).message.split('\n')[0]}`);
  }
}

function loadTemporalConnection(env: NodeJS.ProcessEnv): { connection: NativeConnectionOptions; namespace: string } {
  const overrideEnvVars = Object.fromEntries(Object.entries(env).filter((kv): kv is [string, string] => kv[1] !== undefined));
  try {
    const { connectionOptions, namespace } = loadClientConnectConfig({ overrideEnvVars });
    return {
      connection: { ...connectionOptions, address: connectionOptions.address ?? 'localhost:7233' },
      namespace: namespace ?? 'default',
    };
  } catch (err) {
    throw new ConfigError(`invalid Temporal configuration (TEMPORAL_* variables or profile file): ${(err as Error).message}`);
  }
}

/**
 * Every search backend's settings, validated (a URL must parse), and a missing one for the configured
 * backends named, as the backends' descriptions declare them.
 */
function searchSettings(env: NodeJS.ProcessEnv, web: string, image: string): Record<string, string | undefined> {
  const values: Record<string, string | undefined> = {};
  for (const [variable, kind] of Object.entries(allSettings())) {
    const value = env[variable]?.trim() ? env[variable] : undefined;
    if (value !== undefined && (kind === 'url' || kind === 'optional url') && !URL.canParse(value))
      throw new ConfigError(`invalid configuration: ${variable}: not a URL (see README, "Configuration")`);
    values[variable] = value;
  }
  const missing = Object.keys(requiredSettings(web, image)).find((variable) => !values[variable]);
  if (missing) throw new ConfigError(`the configured search backend needs ${missing}`);
  return values;
}

/**
 * Each role's vendor (its IMAGE_AGENT_<ROLE>_VENDOR, else the default) and every vendor's settings, validated
 * (a URL must parse, a size looks like 1024x1024); an unknown vendor, a vendor without the role, or a missing
 * setting of a chosen vendor is named.
 */
function modelSettings(env: NodeJS.ProcessEnv, defaultChoice: string): { vendors: Record<ModelRole, string>; settings: Record<string, string | undefined> } {
  const settings: Record<string, string | undefined> = {};
  for (const [variable, kind] of Object.entries(allVendorSettings())) {
    const value = env[variable]?.trim() ? env[variable]!.trim() : undefined;
    if (value !== undefined && kind.endsWith('url') && !URL.canParse(value))
      throw new ConfigError(`invalid configuration: ${variable}: not a URL (see README, "Configuration")`);
    if (value !== undefined && kind.endsWith('size') && !/^\d{2,5}x\d{2,5}$/.test(value))
      throw new ConfigError(`invalid configuration: ${variable}: a size looks like 1024x1024 (see README, "Configuration")`);
    settings[variable] = value;
  }
  const byRole = Object.fromEntries(
    MODEL_ROLES.flatMap((role) => (env[roleVendorVariable(role)]?.trim() ? [[role, env[roleVendorVariable(role)]!.trim()]] : [])),
  );
  const chosen = chooseVendors(defaultChoice, byRole, settings);
  if ('problem' in chosen) throw new ConfigError(`invalid configuration: ${chosen.problem} (see README, "Configuration")`);
  return { vendors: chosen.vendors, settings };
}

/** The configuration with every secret replaced, safe to print or log. */
export function describeConfig(config: AppConfig): Record<string, unknown> {
  return {
    temporal: {
      address: config.temporal.connection.address,
      namespace: config.temporal.namespace,
      apiKey: config.temporal.connection.apiKey ? '<set>' : '<none>',
      tls: config.temporal.connection.tls ? 'on' : 'off',
      taskQueue: config.temporal.taskQueue,
      gpuTaskQueue: config.temporal.gpuTaskQueue,
      ui: config.temporal.uiUrl,
    },
    s3: { endpoint: config.s3.endpoint ?? '<aws default>', bucket: config.s3.bucket, region: config.s3.region, accessKeyId: '<set>' },
    database: redactUrl(config.databaseUrl),
    models: {
      mode: config.models.mode,
      // role → "vendor" or "vendor at https://endpoint"; no setting of a vendor is printed (keys among them).
      vendors: Object.fromEntries(
        MODEL_ROLES.map((role) => {
          const endpoint = vendorEndpoint(config.models.vendors, config.models.settings, role);
          return [role, `${config.models.vendors[role]}${endpoint ? ` at ${endpoint}` : ''}`];
        }),
      ),
      ...config.models.roles,
    },
  };
}

/** The configuration, or undefined when it does not load (for describing a failure that may be that). */
export function loadConfigIfValid(): AppConfig | undefined {
  try {
    return loadConfig();
  } catch {
    return undefined;
  }
}
