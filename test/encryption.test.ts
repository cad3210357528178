/**
 * Encrypted histories: every payload of a run is AES-256-GCM under its tenant's data key; the raw history
 * holds no prompt text; the workers' data converter replays it; an old master key still decrypts after
 * rotation; a destroyed tenant key makes the history undecodable, and the run's report in S3 unreadable.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import type { Payload } from '@temporalio/common';
import { loadConfig } from '../config/loadConfig';
import { ObjectStore } from '../providers/objectStore';
import { loadKeyring, parseKeyList } from '../security/keyring';
import { EncryptionCodec, ENCRYPTED_ENCODING, payloadTenant } from '../security/payloadCodec';
import { TenantKeys } from '../security/tenantKeys';
import { createEncryption } from '../security/dataConverter';
import { openObjectStore } from '../security/objectEncryption';
import { CompressionCodec } from '../security/compressionCodec';
import { TEST_BUNDLE } from './support/paths';
import { startTestEnv, type TestEnv } from './support/testEnv';
import { generateImage } from '../workflows/generate/generateImage';

function collect(node: unknown, out: Payload[]): void {
  if (!node || typeof node !== 'object' || node instanceof Uint8Array) return;
  const maybe = node as { metadata?: unknown; data?: unknown };
  if (maybe.metadata && maybe.data instanceof Uint8Array) {
    out.push(node as Payload);
    return;
  }
  for (const v of Object.values(node)) collect(v, out);
}

describe('payload encryption', () => {
  let env: TestEnv;
  let raw: Client;
  let rawConnection: Connection;
  const tenant = `enc-${randomUUID().slice(0, 8)}`;
  const secretPrompt = `a confidential launch poster for project ${randomUUID().slice(0, 8)}`;
  const workflowId = `test-enc-${randomUUID()}`;
  let reportKey: string;

  beforeAll(async () => {
    env = await startTestEnv({ name: 'encryption' });
    rawConnection = await Connection.connect(env.config.temporal.connection);
    raw = new Client({ connection: rawConnection, namespace: env.config.temporal.namespace });
    const result = await env.client.workflow.execute(generateImage, {
      taskQueue: env.taskQueue,
      workflowId,
      args: [{ request: secretPrompt, tenantId: tenant, userId: 'u1', options: { size: '256x256', maxRounds: 1 } }],
    });
    reportKey = result.reportKey!;
  });
  afterAll(async () => {
    await rawConnection?.close();
    await env?.stop();
  });

  test('the raw history holds only encrypted payloads of the run tenant, and no prompt text', async () => {
    const history = await raw.workflow.getHandle(workflowId).fetchHistory();
    const payloads: Payload[] = [];
    collect(history, payloads);
    expect(payloads.length).toBeGreaterThan(10);
    const text = payloads.map((p) => Buffer.from(p.data!).toString('utf8')).join('\n');
    expect(text).not.toContain(secretPrompt);
    expect(text).not.toContain('confidential');
    // Search attributes are never encoded: skip them (they carry no prompt text).
    const encoded = payloads.filter((p) => Buffer.from(p.metadata!.encoding ?? []).toString() !== 'json/plain');
    expect(encoded.every((p) => Buffer.from(p.metadata!.encoding!).toString() === ENCRYPTED_ENCODING)).toBe(true);
    expect(new Set(encoded.map(payloadTenant))).toEqual(new Set([tenant]));
    // The workers' codec reads it back.
    const decoded = await env.client.workflow.getHandle(workflowId).result();
    expect(decoded.request).toBe(secretPrompt);
  });

  test('the encrypted history replays through the workers data converter', async () => {
    const history = await raw.workflow.getHandle(workflowId).fetchHistory();
    const encryption = createEncryption(env.config);
    const result = await Worker.runReplayHistory(
      { workflowBundle: { codePath: TEST_BUNDLE }, dataConverter: encryption.dataConverter },
      history,
      workflowId,
    ).then(
      () => undefined,
      (err: unknown) => err,
    );
    encryption.close();
    expect(result).toBeUndefined();
  });

  test('after rotating the master key, old payloads still decrypt and new data keys use the new master', async () => {
    const store = new ObjectStore(env.config.s3);
    const old = loadKeyring(env.config)!;
    const newId = `rot-${randomBytes(3).toString('hex')}`;
    const rotated = parseKeyList(
      [`${newId}:${randomBytes(32).toString('base64')}`, ...[...old.keys].map(([id, k]) => `${id}:${k.toString('base64')}`)].join(','),
    );
    const codec = new EncryptionCodec(new TenantKeys(rotated, store));
    const history = await raw.workflow.getHandle(workflowId).fetchHistory();
    const payloads: Payload[] = [];
    collect(history.events![0]!.workflowExecutionStartedEventAttributes!.input, payloads);
    // Decrypted, then decompressed (payloads are compressed ahead of encryption).
    const [input] = await new CompressionCodec().decode(await codec.decode(payloads));
    expect(Buffer.from(input!.data!).toString()).toContain(secretPrompt);
    // A payload encoded now names a data key wrapped by the new master; a keyring without it cannot read it.
    codec.bind('w-rot', tenant);
    const [fresh] = await codec.encode([{ metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from('"x"') }], {
      type: 'workflow',
      namespace: 'default',
      workflowId: 'w-rot',
    });
    const oldOnly = new EncryptionCodec(new TenantKeys(old, store));
    await expect(oldOnly.decode([fresh!])).rejects.toThrow(/does not exist/);
    await expect(codec.decode([fresh!])).resolves.toHaveLength(1);
    store.destroy();
  });

  test('destroying the tenant key makes its histories and its objects in S3 unreadable', async () => {
    const store = new ObjectStore(env.config.s3);
    const before = openObjectStore(env.config);
    expect((await before.get(reportKey)).toString()).toContain(secretPrompt);
    before.destroy();
    const keys = new TenantKeys(loadKeyring(env.config)!, store);
    expect(await keys.destroy(tenant)).toBeGreaterThan(0);
    // The report's ciphertext is still in S3 (a backup or an old version would be too), and no longer opens.
    const after = openObjectStore(env.config);
    expect((await after.getRaw(reportKey)).length).toBeGreaterThan(0);
    await expect(after.get(reportKey)).rejects.toThrow(/does not exist/);
    after.destroy();
    const fresh = new EncryptionCodec(new TenantKeys(loadKeyring(env.config)!, store));
    const history = await raw.workflow.getHandle(workflowId).fetchHistory();
    const payloads: Payload[] = [];
    collect(history.events![0]!.workflowExecutionStartedEventAttributes!.input, payloads);
    await expect(fresh.decode(payloads)).rejects.toThrow(/does not exist/);
    store.destroy();
  });

  test('plaintext payloads (histories from before encryption) pass through the codec unchanged', async () => {
    const config = loadConfig();
    const encryption = createEncryption(config);
    const plain: Payload = { metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from('{"a":1}') };
    await expect(encryption.codec!.decode([plain])).resolves.toEqual([plain]);
    encryption.close();
  });
});
