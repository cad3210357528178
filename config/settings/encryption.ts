/** Payload and object encryption, compression, data keys, and the key of pseudonymous ids. */
import path from 'node:path';
import { z } from 'zod';
import { projectRoot } from '../../common/paths';
import { durationSchema } from '../../common/requestSchema';
import { configSection } from '../configSection';
import { bool, int, optionalString } from './schemas';

export const encryptionSettings = configSection(
  'Encryption and ids',
  'Every payload and object is encrypted under its tenant’s data key, wrapped by a master key; see the README’s Security section.',
  {
    IMAGE_AGENT_ENCRYPTION: { schema: bool, default: 'true', description: 'Payload encryption: on unless turned off.' },
    IMAGE_AGENT_ENCRYPTION_KEYS: {
      schema: optionalString,
      description: 'Master keys, `id:base64,…`, the first current; without them or a keyring file, the local stack’s generated dev keyring.',
      secret: (keys) => keys.split(',').map((k) => k.slice(k.indexOf(':') + 1).trim()),
    },
    IMAGE_AGENT_ENCRYPTION_KEYRING_FILE: { schema: optionalString, description: 'A file holding the master keys instead.' },
    IMAGE_AGENT_COMPRESSION: {
      schema: bool,
      default: 'true',
      description:
        'Brotli compression of payloads ahead of their encryption (only with encryption on: plain payloads stay JSON the UI reads without a codec server).',
    },
    IMAGE_AGENT_KEY_CACHE_DIR: {
      schema: optionalString,
      defaultText: '`<STACK_DIR>/key-cache`',
      description: 'Where wrapped data keys are kept on local disk, so an object-storage outage does not stop runs (`off`: nowhere).',
    },
    IMAGE_AGENT_DATA_KEY_MAX_USES: {
      schema: int(1, 2 ** 30),
      default: String(2 ** 22),
      description: 'A process moves to a new data key after this many encryptions with one (96-bit random IVs).',
    },
    IMAGE_AGENT_DATA_KEY_MAX_AGE: {
      schema: optionalString.pipe(durationSchema.optional()),
      default: '7 days',
      description: 'No process starts on a data key older than this.',
    },
    IMAGE_AGENT_ID_KEY: {
      schema: z.string().min(16, 'IMAGE_AGENT_ID_KEY must be at least 16 characters'),
      default: 'image-agent-local-id-key',
      defaultText: 'a fixed local key',
      description:
        'HMAC key for ids built from user-chosen names (session ids, user tags); required outside the local stack (16+ characters), and keep it: changing it starts new sessions.',
      secret: true,
    },
  },
  (s, context) => ({
    encryption: {
      enabled: s.IMAGE_AGENT_ENCRYPTION,
      compress: s.IMAGE_AGENT_COMPRESSION,
      ...(s.IMAGE_AGENT_ENCRYPTION_KEYS ? { keys: s.IMAGE_AGENT_ENCRYPTION_KEYS } : {}),
      ...(s.IMAGE_AGENT_ENCRYPTION_KEYRING_FILE ? { keyringFile: path.resolve(projectRoot, s.IMAGE_AGENT_ENCRYPTION_KEYRING_FILE) } : {}),
      ...(s.IMAGE_AGENT_KEY_CACHE_DIR === 'off'
        ? {}
        : { keyCacheDir: path.resolve(projectRoot, s.IMAGE_AGENT_KEY_CACHE_DIR ?? path.join(context.stackDir, 'key-cache')) }),
      dataKeyMaxUses: s.IMAGE_AGENT_DATA_KEY_MAX_USES,
      dataKeyMaxAge: s.IMAGE_AGENT_DATA_KEY_MAX_AGE ?? '7 days',
    },
    ids: { key: s.IMAGE_AGENT_ID_KEY },
  }),
);
