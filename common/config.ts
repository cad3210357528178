/**
 * The configuration's shape, which every layer reads: what a process is configured with. Reading it from the
 * environment, validating it and composing the settings the model vendors and search backends declare is
 * config/loadConfig.ts's job; this module does no I/O and imports nothing above common/.
 */
import type { NativeConnectionOptions } from '@temporalio/worker';
import { z } from 'zod';
import type { CostClass } from './apiCostClass';
import type { ModelRole } from './modelRoles';
import type { TokenDirectory } from './principals';
import type { ReviewPolicy } from './review';
import type { TenantPolicy } from './tenantPolicy';

/** The model each role asks for (IMAGE_AGENT_MODEL_*), whichever vendor serves it. */
export type ModelNames = Record<'planner' | 'reasoner' | 'vlm' | 'image' | 'embeddings' | 'judge', string>;

export interface AppConfig {
  temporal: {
    connection: NativeConnectionOptions;
    namespace: string;
    taskQueue: string;
    gpuTaskQueue: string;
    uiUrl: string;
    /** Worker Deployments (docs/operations.md, "Deploys"). */
    deployment: {
      name: string;
      /** Whether the orchestration worker polls as a versioned worker (runs routed by version). */
      versioning: boolean;
      /** The build id; undefined: derived from the workflow bundle. */
      buildId: string | undefined;
      /** 'if-unset': a starting worker makes its version current when the deployment has no current version. */
      promote: 'if-unset' | 'never';
    };
  };
  s3: {
    endpoint: string | undefined;
    publicEndpoint: string | undefined;
    region: string;
    bucket: string;
    accessKeyId: string;
    secretAccessKey: string;
    forcePathStyle: boolean;
    presignSeconds: number;
  };
  databaseUrl: string;
  models: {
    /**
     * The configured vendors as one label: 'offline' when any role runs offline, else the vendors in use
     * joined by '+' ('openai', 'image-server+openai'). Runs carry it as their Providers search attribute.
     */
    mode: string;
    /** The vendor of each role (providers/modelVendorList.ts). */
    vendors: Record<ModelRole, string>;
    /** The vendors' own settings by variable name (OPENAI_BASE_URL, IMAGE_SERVER_MODEL…), as their descriptions declare them. */
    settings: Record<string, string | undefined>;
    roles: ModelNames;
    /** Per model call; Temporal retries, the SDKs do not. */
    timeoutMs: number;
    /** Send `seed` to the images API (servers such as vLLM-Omni accept it; OpenAI does not). */
    sendSeed: boolean;
    /** Each chained role's links after its own vendor (`vendor` or `vendor:profile`); absent: no chain. */
    chains: Partial<Record<ModelRole, string[]>>;
    fallback: { attemptsPerLink: number; linkBudgetMs: number; onContentPolicy: boolean };
    breaker: { failureRatio: number; minCalls: number; windowMs: number; probeEveryMs: number };
  };
  search: {
    webBackend: string;
    imageBackend: string;
    localCorpusDir: string;
    localImageDir: string;
    /** The backends' own settings by variable name (SEARXNG_URL, TAVILY_API_KEY…), as their descriptions declare them. */
    settings: Record<string, string | undefined>;
    /** At most 5, as in the paper. */
    maxResults: number;
    /** The relevance gate every search result, memory item and earlier turn passes (recorded with each answer). */
    relevance: { threshold: number; minSimilarity: number };
    fetch: {
      timeoutMs: number;
      maxBytes: number;
      /**
       * host[:port] entries exempt from the private-address block (an intranet knowledge base, a test
       * server). Everything else on loopback, private or link-local addresses is refused.
       */
      allowHosts: string[];
    };
  };
  review: {
    /** The default review policy for requests that do not carry one. */
    defaults: ReviewPolicy;
  };
  ids: {
    /** The key of the keyed hashes in workflow ids (sessions): never the names themselves. */
    key: string;
  };
  webhooks: {
    /** HMAC-SHA256 key for signing deliveries; webhooks are refused without one. */
    secret: string | undefined;
    allowHosts: string[];
  };
  api: {
    host: string;
    port: number;
    /** Bearer token (kept hashed) → principal: tenant, name, roles. */
    tokens: TokenDirectory;
    /** Requests per minute per principal, by cost class (client/api/routeRoles.ts). */
    rateLimits: Record<CostClass, number>;
    trustProxy: boolean;
    /** Where reviewers reach the API (no trailing slash): the base of review links. */
    publicUrl: string;
    /** PEM files: the API serves https itself when both are set. */
    tls?: { certFile: string; keyFile: string };
  };
  /** Per-model prices for cost accounting, when configured. */
  prices: Prices;
  encryption: {
    enabled: boolean;
    /** Payloads compressed before they are encrypted (only with encryption on). */
    compress: boolean;
    /** "id:base64,…", the first current; or a keyring file; neither: the local stack's generated dev keyring. */
    keys?: string;
    keyringFile?: string;
    /** Where wrapped data keys are kept on disk for object-storage outages; undefined: nowhere. */
    keyCacheDir?: string;
    /** Data-key rotation: encryptions per process, and age. */
    dataKeyMaxUses: number;
    dataKeyMaxAge: string;
  };
  security: {
    /** Ed25519 private key for review decisions; unset: the local stack's generated dev key. */
    reviewSigningKey?: string;
    fourEyesTenants: string[];
    /** The shortest review wait of a four-eyes tenant's runs. */
    fourEyesMinReviewTimeout: string;
    codecCorsOrigins: string[];
  };
  erasure: {
    /** How long new runs of an erased user are refused. */
    tombstoneMs: number;
  };
  tenants: {
    /** The policy of a tenant without a stored one (its review rules come from the four-eyes settings). */
    defaults: Omit<TenantPolicy, 'review'>;
    /** How long a process reuses a policy it read. */
    policyCacheMs: number;
    /** Whether starts carry priority and fairness keys (false: first-in, first-out). */
    dispatchKeys: boolean;
  };
  batch: {
    /** Cases in flight per batch, by default. */
    concurrency: number;
  };
  workers: {
    /** Renders in flight per GPU worker: size to the GPU, or to the provider's rate limit. */
    gpuConcurrency: number;
    /** Model/search activities in flight per orchestration worker. */
    activityConcurrency: number;
    /** Activity slots a workflow task may reserve for eager execution (WorkerOptions.maxEagerActivityReservationsPerWorkflowTask). */
    eagerActivitySlots: number;
    /** A GPU worker's local folder for rendered bytes not yet uploaded. */
    renderSpoolDir: string;
    /** The V8 budget a worker process is started with (workers/workerMemory.ts). */
    memory: { heapMb: number; semiSpaceMb: number };
  };
  /** The default outage window clients give runs that do not name one; unset: the workflows' own default. */
  outageWindow?: string;
  telemetry: {
    opsHost: string;
    opsPort: number | undefined;
    sdkMetricsPort: number | undefined;
    logFormat: 'text' | 'json';
    otlpEndpoint: string | undefined;
  };
  shutdown: {
    /** Worker shutdownGraceTime: running activities finish within it, then are cancelled (renders resume elsewhere). */
    workerGraceMs: number;
    /** The API's grace for in-flight requests. */
    apiGraceMs: number;
  };
  stack: {
    dir: string;
    /** `dev`: the dev server; `cluster`: the Temporal server's four services on Postgres (infra/temporalCluster.ts). */
    temporal: 'dev' | 'cluster';
    temporalPort: number;
    temporalUiPort: number;
    s3Port: number;
    pglitePort: number;
    /** The first stack process's ops port; each process takes its own offset (infra/stackOpsPorts.ts). */
    opsPort: number;
  };
}

/** Thrown for a setting that does not validate; the message names the variable and the fix. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** IMAGE_AGENT_PRICES, per model. */
export const priceSchema = z.record(
  z.string(),
  z.object({ inputPerMTok: z.number().min(0).optional(), outputPerMTok: z.number().min(0).optional(), perImage: z.number().min(0).optional() }).strict(),
);
export type Prices = z.infer<typeof priceSchema>;

export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '<unparseable url>';
  }
}
