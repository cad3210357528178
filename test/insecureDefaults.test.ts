/**
 * Production refuses insecure defaults (issue 20, finding 8): outside the local stack, the API and the
 * workers do not start on the public id key, a generated keyring or a generated signing key, and say in one
 * line what is missing; no dev key is generated there; master and signing keys are masked in messages.
 * The refusing processes exit before they open any connection, so the addresses below are never contacted.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import path from 'node:path';
import { loadConfig } from '../config/loadConfig';
import { redactSecrets } from '../common/redact';
import { missingSecrets } from '../security/insecureDefaults';
import { loadKeyring } from '../security/keyring';
import { runCli, runCommand } from './support/cli';
import { DIST } from './support/paths';

// Names that resolve nowhere: only their host names are read, to tell the local stack from elsewhere.
const ELSEWHERE = {
  TEMPORAL_ADDRESS: 'temporal.image-agent.invalid:7233',
  S3_ENDPOINT: 'https://s3.image-agent.invalid',
  DATABASE_URL: 'postgres://image_agent@db.image-agent.invalid:5432/image_agent',
  IMAGE_AGENT_API_TOKENS: `tok-${randomBytes(12).toString('hex')}:acme`,
};
const SECRETS = {
  IMAGE_AGENT_ID_KEY: randomBytes(24).toString('hex'),
  IMAGE_AGENT_ENCRYPTION_KEYS: `prod1:${randomBytes(32).toString('base64')}`,
  IMAGE_AGENT_REVIEW_SIGNING_KEY: generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
};
// Unset what the suite's own environment may carry.
const UNSET = { IMAGE_AGENT_ID_KEY: '', IMAGE_AGENT_ENCRYPTION_KEYS: '', IMAGE_AGENT_ENCRYPTION_KEYRING_FILE: '', IMAGE_AGENT_REVIEW_SIGNING_KEY: '' };
const env = (extra: Record<string, string>) => {
  const merged: NodeJS.ProcessEnv = { ...process.env, ...UNSET, ...extra };
  for (const [k, v] of Object.entries(merged)) if (v === '') delete merged[k];
  return merged;
};

describe('insecure defaults outside the local stack', () => {
  test('the API needs an id key, a keyring and a signing key; a worker the first two; the local stack none', () => {
    expect(missingSecrets(loadConfig(env(ELSEWHERE)), 'api')).toEqual([
      expect.stringContaining('IMAGE_AGENT_ID_KEY'),
      expect.stringContaining('IMAGE_AGENT_ENCRYPTION_KEYS'),
      expect.stringContaining('IMAGE_AGENT_REVIEW_SIGNING_KEY'),
    ]);
    expect(missingSecrets(loadConfig(env(ELSEWHERE)), 'worker')).toHaveLength(2);
    expect(missingSecrets(loadConfig(env({ ...ELSEWHERE, ...SECRETS })), 'api')).toEqual([]);
    expect(missingSecrets(loadConfig(env({ ...ELSEWHERE, IMAGE_AGENT_ENCRYPTION: 'off', IMAGE_AGENT_ID_KEY: SECRETS.IMAGE_AGENT_ID_KEY })), 'worker')).toEqual(
      [],
    );
    expect(missingSecrets(loadConfig(env({})), 'api')).toEqual([]);
  });

  test('no dev keyring is generated outside the local stack', () => {
    expect(() => loadKeyring(loadConfig(env(ELSEWHERE)))).toThrow(/generated only on the local stack/);
  });

  test('the worker and API processes refuse to start, in one line naming what is missing', async () => {
    const worker = await runCommand(process.execPath, [path.join(DIST, 'workers', 'orchestrationWorker.js')], env(ELSEWHERE) as Record<string, string>, 60_000);
    expect(worker.code).toBe(1);
    expect(worker.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/refusing to start the worker outside the local stack without: IMAGE_AGENT_ID_KEY .*; a master keyring/),
    ]);
    const api = await runCli(['serve'], env({ ...ELSEWHERE, IMAGE_AGENT_ID_KEY: SECRETS.IMAGE_AGENT_ID_KEY }) as Record<string, string>, 60_000);
    expect(api.code).toBe(1);
    expect(api.stderr).toMatch(/refusing to start the api outside the local stack without: a master keyring .*; IMAGE_AGENT_REVIEW_SIGNING_KEY/);
    expect(api.stderr).not.toMatch(/IMAGE_AGENT_ID_KEY \(/);
  });

  test('master keys and the signing key are masked in messages', () => {
    const config = loadConfig(env({ ...ELSEWHERE, ...SECRETS }));
    expect(loadKeyring(config)?.current).toBe('prod1');
    const master = SECRETS.IMAGE_AGENT_ENCRYPTION_KEYS.split(':')[1]!;
    const pemLine = SECRETS.IMAGE_AGENT_REVIEW_SIGNING_KEY.split('\n')[1]!;
    expect(redactSecrets(`bad key ${master} and ${pemLine}`)).toBe('bad key *** and ***');
  });
});
