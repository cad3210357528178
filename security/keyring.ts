/**
 * Master keys for payload encryption (AES-256), from the environment, a file, or (local stack only) a dev
 * keyring generated into the stack folder. The first key is current: new tenant data keys are wrapped with
 * it; every key listed still unwraps the data keys made under it, so rotation is "add the new key first,
 * keep the old ones until nothing needs them". Master keys never leave this process: payloads name only
 * a tenant data key id.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { AppConfig } from '../common/config';
import { registerSecrets } from '../common/redact';
import { refuseDevKey } from './insecureDefaults';

export interface MasterKeyring {
  /** Id of the key new data keys are wrapped with. */
  current: string;
  keys: Map<string, Buffer>;
  /** Where it came from (never the key material): "env", a file path, or the dev keyring's path. */
  source: string;
}

class KeyringError extends Error {
  override name = 'KeyringError';
}

const ID = /^[A-Za-z0-9._-]{1,64}$/;

function keyFrom(id: string, b64: string, where: string): [string, Buffer] {
  const key = Buffer.from(b64, 'base64');
  // Master keys are masked in every message this process writes (common/redact.ts).
  registerSecrets([b64]);
  if (!ID.test(id) || key.length !== 32) throw new KeyringError(`${where}: each key is <id>:<base64 of 32 bytes> (id of letters, digits, . _ -)`);
  return [id, key];
}

/** "id1:base64,id2:base64": the first is current. */
export function parseKeyList(text: string, where = 'IMAGE_AGENT_ENCRYPTION_KEYS'): MasterKeyring {
  const entries = text
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)
    .map((e) => {
      const at = e.indexOf(':');
      return keyFrom(e.slice(0, at), e.slice(at + 1), where);
    });
  if (!entries.length) throw new KeyringError(`${where}: no keys`);
  return { current: entries[0]![0], keys: new Map(entries), source: 'env' };
}

/** A keyring file: {"current": "id", "keys": {"id": "base64", ...}}. */
function readKeyringFile(file: string): MasterKeyring {
  const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as { current?: string; keys?: Record<string, string> };
  const keys = new Map(Object.entries(parsed.keys ?? {}).map(([id, b64]) => keyFrom(id, b64, file)));
  if (!parsed.current || !keys.has(parsed.current)) throw new KeyringError(`${file}: "current" must name one of its keys`);
  return { current: parsed.current, keys, source: file };
}

/** The local stack's keyring: made once (mode 600) in the git-ignored stack folder, shared by every local process. */
function devKeyringFile(config: AppConfig): string {
  return path.join(config.stack.dir, 'encryption-keyring.json');
}

function devKeyring(config: AppConfig): MasterKeyring {
  refuseDevKey(config, 'the master keyring (IMAGE_AGENT_ENCRYPTION_KEYS or IMAGE_AGENT_ENCRYPTION_KEYRING_FILE)');
  const file = devKeyringFile(config);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const id = `dev-${randomBytes(4).toString('hex')}`;
    try {
      // wx: two processes starting at once keep the first file, never two keyrings.
      fs.writeFileSync(file, JSON.stringify({ current: id, keys: { [id]: randomBytes(32).toString('base64') } }), { mode: 0o600, flag: 'wx' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  return readKeyringFile(file);
}

/** The configured master keyring, or undefined when encryption is off. */
export function loadKeyring(config: AppConfig): MasterKeyring | undefined {
  const e = config.encryption;
  if (!e.enabled) return undefined;
  if (e.keys) return parseKeyList(e.keys);
  if (e.keyringFile) return readKeyringFile(e.keyringFile);
  return devKeyring(config);
}
