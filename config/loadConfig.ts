/**
 * The configuration, read from the environment once and validated. Each concern declares its settings in
 * config/settings/ (schema, default, description, secret or not) beside what they become; the model
 * vendors and search backends declare their own (providers/modelVendorList.ts,
 * providers/search/searchBackendList.ts). This module composes them; docs/configuration.md is generated
 * from the same declarations (npm run docs:generate). Workflow code must never import it (it reads process.env).
 */
import { loadClientConnectConfig } from '@temporalio/envconfig';
import type { NativeConnectionOptions } from '@temporalio/worker';
import { z } from 'zod';
import { ConfigError, redactUrl, type AppConfig } from '../common/config';
import { MODEL_ROLES, type ModelRole } from '../common/modelRoles';
import { registerSecrets } from '../common/redact';
import type { Setting } from '../common/settings';
import { withStackSlot } from '../common/stackSlot';
import { isSecretKind, readDescribedSettings } from '../providers/describedSettings';
import { allSettings, requiredSettings } from '../providers/search/searchBackends';
import { allVendorSettings, chooseVendors, roleVendorVariable, vendorEndpoint, vendorsLabel } from '../providers/modelVendors';
import type { ConfigSection, Parsed, SectionContext } from './configSection';
import { CONFIG_SECTIONS, SECTIONS } from './configSections';
import { chooseChains, linkEndpoint } from '../providers/fallback/modelChains';

type Sections = typeof SECTIONS;
/** What each section becomes in AppConfig. */
type SectionsRead = { [K in keyof Sections]: ReturnType<Sections[K]['read']> };

export function loadConfig(rawEnv: NodeJS.ProcessEnv = process.env): AppConfig {
  let env: NodeJS.ProcessEnv;
  try {
    env = withStackSlot(rawEnv);
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
  const read = readSections(env);
  const temporal = loadTemporalConnection(env);
  const vendors = modelVendorChoice(env, read.models.defaultVendor);
  const chains = chooseChains(env, vendors.vendors);
  if ('problem' in chains) throw new ConfigError(`invalid configuration: ${chains.problem} (see docs/configuration.md)`);
  const searchSettingValues = searchBackendSettings(env, read.search.webBackend, read.search.imageBackend);
  registerSecrets([...secretsOf(env, vendors.settings, searchSettingValues), ...chains.secrets]);
  return {
    temporal: { connection: temporal.connection, namespace: temporal.namespace, ...read.temporal },
    s3: read.s3,
    databaseUrl: read.database,
    models: {
      mode: vendorsLabel(vendors.vendors),
      vendors: vendors.vendors,
      settings: { ...vendors.settings, ...chains.settings },
      roles: read.models.roles,
      timeoutMs: read.models.timeoutMs,
      sendSeed: read.models.sendSeed,
      chains: Object.fromEntries(Object.entries(chains.chains).map(([role, links]) => [role, links.map((l) => l.name)])),
      fallback: read.models.fallback,
      breaker: read.models.breaker,
    },
    search: { ...read.search, settings: searchSettingValues },
    review: read.review.review,
    ids: read.encryption.ids,
    webhooks: read.review.webhooks,
    api: read.api.api,
    prices: read.operations.prices,
    encryption: read.encryption.encryption,
    security: { ...read.review.fourEyes, codecCorsOrigins: read.api.codecCorsOrigins },
    erasure: read.review.erasure,
    tenants: read.tenants,
    batch: read.workers.batch,
    workers: read.workers.workers,
    outageWindow: read.workers.outageWindow,
    telemetry: read.operations.telemetry,
    shutdown: { workerGraceMs: read.workers.workerGraceMs, apiGraceMs: read.operations.apiGraceMs },
    stack: read.stack,
  };
}

/**
 * Every section parsed (all of them before any error is thrown, so one message names every bad variable), then
 * read once into its part of AppConfig, with the local stack's folder and UI port as the context some defaults
 * derive from.
 */
function readSections(env: NodeJS.ProcessEnv): SectionsRead {
  const problems: string[] = [];
  const entries = Object.entries(SECTIONS) as [keyof Sections, ConfigSection<Record<string, Setting>, unknown>][];
  const values = Object.fromEntries(entries.map(([name, section]) => [name, parseSection(section, env, problems)])) as {
    [K in keyof Sections]: Parsed<Sections[K]['settings']>;
  };
  if (problems.length) throw new ConfigError(`invalid configuration: ${problems.join('; ')} (see docs/configuration.md)`);
  const context: SectionContext = { stackDir: values.stack.STACK_DIR, temporalUiPort: values.stack.STACK_TEMPORAL_UI_PORT };
  return Object.fromEntries(entries.map(([name, section]) => [name, section.read(values[name], context)])) as SectionsRead;
}

/** A section's settings parsed, a declared default standing in for an unset variable; problems are collected, not thrown. */
function parseSection<T extends Record<string, Setting>>(section: ConfigSection<T, unknown>, env: NodeJS.ProcessEnv, problems: string[]): Parsed<T> {
  const schema = z.object(Object.fromEntries(Object.entries(section.settings).map(([name, setting]) => [name, setting.schema])));
  const input = Object.fromEntries(Object.entries(section.settings).map(([name, setting]) => [name, env[name] ?? setting.default]));
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data as Parsed<T>;
  problems.push(...parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  return {} as Parsed<T>;
}

/** Every secret this process holds, to be masked in error messages (common/redact.ts). */
function secretsOf(
  env: NodeJS.ProcessEnv,
  vendorSettings: Record<string, string | undefined>,
  searchValues: Record<string, string | undefined>,
): (string | undefined)[] {
  const declared = CONFIG_SECTIONS.flatMap((section) =>
    Object.entries(section.settings as Record<string, Setting>).flatMap(([name, setting]) => {
      const value = env[name] ?? setting.default;
      if (!setting.secret || !value) return [];
      return [value, ...(typeof setting.secret === 'function' ? setting.secret(value) : [])];
    }),
  );
  return [
    ...declared,
    ...Object.entries(allVendorSettings()).flatMap(([variable, kind]) => (isSecretKind(kind) ? [vendorSettings[variable]] : [])),
    ...Object.entries(allSettings()).flatMap(([variable, kind]) => (isSecretKind(kind) ? [searchValues[variable]] : [])),
    // Read by @temporalio/envconfig, not declared here.
    env.TEMPORAL_API_KEY,
  ];
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
function searchBackendSettings(env: NodeJS.ProcessEnv, web: string, image: string): Record<string, string | undefined> {
  const values = readDescribedSettings(env, allSettings());
  const missing = Object.keys(requiredSettings(web, image)).find((variable) => !values[variable]);
  if (missing) throw new ConfigError(`the configured search backend needs ${missing}`);
  return values;
}

/**
 * Each role's vendor (its IMAGE_AGENT_<ROLE>_VENDOR, else the default) and every vendor's settings, validated
 * (a URL must parse, a size looks like 1024x1024); an unknown vendor, a vendor without the role, or a missing
 * setting of a chosen vendor is named.
 */
function modelVendorChoice(
  env: NodeJS.ProcessEnv,
  defaultChoice: string,
): { vendors: Record<ModelRole, string>; settings: Record<string, string | undefined> } {
  const settings = readDescribedSettings(env, allVendorSettings());
  const byRole = Object.fromEntries(
    MODEL_ROLES.flatMap((role) => (env[roleVendorVariable(role)]?.trim() ? [[role, env[roleVendorVariable(role)]!.trim()]] : [])),
  );
  const chosen = chooseVendors(defaultChoice, byRole, settings);
  if ('problem' in chosen) throw new ConfigError(`invalid configuration: ${chosen.problem} (see docs/configuration.md)`);
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
      // role → its fallback links, each "link" or "link at https://endpoint".
      fallbacks: Object.fromEntries(
        Object.entries(config.models.chains).map(([role, links]) => [
          role,
          links.map((l) => {
            const endpoint = linkEndpoint(l, config.models.settings, role as ModelRole);
            return `${l}${endpoint ? ` at ${endpoint}` : ''}`;
          }),
        ]),
      ),
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
