/**
 * The local stack's conveniences are insecure anywhere else: a public default id key (user tags and session
 * ids could be recomputed from guessed names), a dev keyring and a dev review-signing key generated on first
 * use. They stand only on the local stack, which is recognised by where its dependencies are: Temporal,
 * object storage and Postgres all on this machine's loopback. Anywhere else the API and the workers refuse
 * to start without them, in one line naming what is missing, and no dev key is ever generated.
 */
import { ConfigError, type AppConfig } from '../common/config';

const DEFAULT_ID_KEY = 'image-agent-local-id-key';
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

function hostOf(address: string | undefined): string | undefined {
  if (!address) return undefined;
  try {
    return new URL(address.includes('://') ? address : `tcp://${address}`).hostname;
  } catch {
    return undefined;
  }
}

/** Whether every dependency is on this machine's loopback: the local stack (or a one-machine setup like it). */
function isLocalStack(config: Pick<AppConfig, 'temporal' | 's3' | 'databaseUrl'>): boolean {
  return [config.temporal.connection.address, config.s3.endpoint, config.databaseUrl].every((a) => {
    const host = hostOf(a);
    return host !== undefined && LOOPBACK.has(host);
  });
}

/** What a process of this role lacks to run outside the local stack (empty: nothing). */
export function missingSecrets(config: AppConfig, role: 'api' | 'worker'): string[] {
  if (isLocalStack(config)) return [];
  const missing: string[] = [];
  if (config.ids.key === DEFAULT_ID_KEY) missing.push('IMAGE_AGENT_ID_KEY (a secret of 16 characters or more)');
  if (config.encryption.enabled && !config.encryption.keys && !config.encryption.keyringFile) {
    missing.push('a master keyring (IMAGE_AGENT_ENCRYPTION_KEYS or IMAGE_AGENT_ENCRYPTION_KEYRING_FILE)');
  }
  // Workers only verify decisions with the public key each run carries: the private key stays with the API.
  if (role === 'api' && !config.security.reviewSigningKey) missing.push('IMAGE_AGENT_REVIEW_SIGNING_KEY (an Ed25519 private key)');
  return missing;
}

/** Throws, naming every missing secret in one line, when this process may not start with the defaults. */
export function refuseInsecureDefaults(config: AppConfig, role: 'api' | 'worker'): void {
  const missing = missingSecrets(config, role);
  if (missing.length) {
    throw new ConfigError(`refusing to start the ${role} outside the local stack without: ${missing.join('; ')} (docs/deploy.md)`);
  }
}

/** Dev keys are generated only on the local stack. */
export function refuseDevKey(config: AppConfig, what: string): void {
  if (!isLocalStack(config)) throw new ConfigError(`${what} is not configured, and a development one is generated only on the local stack`);
}
