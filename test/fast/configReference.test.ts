/**
 * Settings are declared once (config/settings/, the model vendors, the search backends), and the reference
 * in docs/configuration.md is generated from them: it must match, every variable must be declared in one
 * place only, and every declared default must parse. Needs no stack.
 */
import fs from 'node:fs';
import type { Setting } from '../../common/settings';
import { redactSecrets } from '../../common/redact';
import { CONFIG_REFERENCE_PATH, configReference } from '../../config/configReference';
import { CONFIG_SECTIONS } from '../../config/configSections';
import { loadConfig } from '../../config/loadConfig';
import { modelVendors } from '../../providers/modelVendors';
import { SEARCH_BACKENDS } from '../../providers/search/searchBackends';

const declared = [
  ...CONFIG_SECTIONS.flatMap((section) => Object.keys(section.settings)),
  ...modelVendors().flatMap((vendor) => Object.keys(vendor.settings)),
  ...SEARCH_BACKENDS.flatMap((backend) => Object.keys(backend.settings)),
];

test('docs/configuration.md is what the declarations generate (run `npm run docs:generate` after changing a setting)', () => {
  expect(fs.readFileSync(CONFIG_REFERENCE_PATH, 'utf8')).toBe(configReference());
});

test('every variable is declared in one place, and the reference names each', () => {
  expect(declared.length).toBeGreaterThan(80);
  expect(declared.filter((name, i) => declared.indexOf(name) !== i)).toEqual([]);
  const reference = configReference();
  expect(declared.filter((name) => !reference.includes(`\`${name}\``))).toEqual([]);
});

test('every declared default parses with its own schema, and every setting says what it does', () => {
  for (const section of CONFIG_SECTIONS) {
    for (const [name, setting] of Object.entries(section.settings as Record<string, Setting>)) {
      expect({ name, described: setting.description.length > 10 }).toEqual({ name, described: true });
      if (setting.default !== undefined) expect({ name, ok: setting.schema.safeParse(setting.default).success }).toEqual({ name, ok: true });
    }
  }
});

test('with nothing set, the configuration is the local stack’s, from the declared defaults', () => {
  const config = loadConfig({ PATH: process.env.PATH });
  expect(config.s3).toMatchObject({ endpoint: 'http://127.0.0.1:8333', bucket: 'image-agent', forcePathStyle: true, presignSeconds: 3600 });
  expect(config.temporal.taskQueue).toBe('image-agent');
  expect(config.temporal.gpuTaskQueue).toBe('image-agent-gpu');
  expect(config.api.rateLimits).toEqual({ ordinary: 600, start: 60, upload: 60, codec: 300 });
  expect(config.security.codecCorsOrigins).toEqual(['http://localhost:8233', 'http://127.0.0.1:8233']);
  expect(config.encryption).toMatchObject({ enabled: true, compress: true, dataKeyMaxUses: 2 ** 22, dataKeyMaxAge: '7 days' });
  expect(config.erasure.tombstoneMs).toBe(30 * 24 * 3600 * 1000);
  expect(config.shutdown).toEqual({ workerGraceMs: 60_000, apiGraceMs: 20_000 });
  expect(config.models.roles.judge).toBe(config.models.roles.vlm);
});

test('every bad variable is named in one message, and a secret in a bad value is not repeated', () => {
  let message = '';
  try {
    loadConfig({ PATH: process.env.PATH, S3_BUCKET: 'Not A Bucket', IMAGE_AGENT_API_PORT: '99999', IMAGE_AGENT_ID_KEY: 'short' });
  } catch (err) {
    message = (err as Error).message;
  }
  expect(message).toMatch(/^invalid configuration: /);
  expect(message).toContain('S3_BUCKET: S3 bucket names are 3-63 lowercase letters');
  expect(message).toContain('IMAGE_AGENT_API_PORT');
  expect(message).toContain('IMAGE_AGENT_ID_KEY: IMAGE_AGENT_ID_KEY must be at least 16 characters');
});

test('every declared secret is masked once loaded, down to the parts a list or a PEM holds', () => {
  loadConfig({
    PATH: process.env.PATH,
    IMAGE_AGENT_API_TOKENS: 'tok-aaaaaaaaaaaaaaaa1:acme:alice:review,tok-bbbbbbbbbbbbbbbb2:acme',
    IMAGE_AGENT_ENCRYPTION_KEYS: 'k1:c2VjcmV0LWtleS1vbmUtMzItYnl0ZXMtbG9uZy0tLS0=',
    IMAGE_AGENT_REVIEW_SIGNING_KEY: '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIPEMBODYLINEsecret\n-----END PRIVATE KEY-----',
    IMAGE_AGENT_WEBHOOK_SECRET: 'whsec-zzzzzzzzzzzz',
  });
  const text =
    'tok-aaaaaaaaaaaaaaaa1 tok-bbbbbbbbbbbbbbbb2 c2VjcmV0LWtleS1vbmUtMzItYnl0ZXMtbG9uZy0tLS0= MC4CAQAwBQYDK2VwBCIEIPEMBODYLINEsecret whsec-zzzzzzzzzzzz';
  const masked = redactSecrets(text);
  for (const secret of text.split(' ')) expect(masked).not.toContain(secret);
});
