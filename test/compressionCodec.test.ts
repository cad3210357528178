/** The compression codec ahead of encryption: what it compresses, what it leaves, and what it refuses to inflate. */
import { brotliCompressSync } from 'node:zlib';
import type { Payload } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { loadConfig } from '../config/loadConfig';
import { COMPRESSED_ENCODING, CompressionCodec } from '../security/compressionCodec';
import { createEncryption } from '../security/dataConverter';
import { ENCRYPTED_ENCODING } from '../security/payloadCodec';

const json = (value: unknown): Payload => ({ metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from(JSON.stringify(value)) });
const encodingOf = (p: Payload) => Buffer.from(p.metadata!.encoding!).toString();
// A grounded answer as a run carries it: text that repeats its structure.
const answer = {
  answers: Array.from({ length: 6 }, (_, i) => ({
    question: `What does landmark ${i} look like at dusk?`,
    items: ['a tall spire', 'warm lights on the water', 'a stone bridge'],
    sources: [`https://example.org/${i}`],
  })),
};

describe('CompressionCodec', () => {
  const codec = new CompressionCodec();

  test('a text-heavy payload shrinks and comes back identical; a small one passes through', async () => {
    const big = json(answer);
    const small = json({ ok: true });
    const [packed, untouched] = await codec.encode([big, small]);
    expect(encodingOf(packed!)).toBe(COMPRESSED_ENCODING);
    expect(packed!.data!.length).toBeLessThan(big.data!.length / 2);
    expect(untouched).toBe(small);
    const [back] = await codec.decode([packed!]);
    expect(encodingOf(back!)).toBe('json/plain');
    expect(JSON.parse(Buffer.from(back!.data!).toString())).toEqual(answer);
  });

  test('a payload that inflates past the 4 MB bound is refused instead of filling memory', async () => {
    const huge = temporal.api.common.v1.Payload.encode({
      metadata: { encoding: Buffer.from('json/plain') },
      data: Buffer.alloc(5 * 1024 * 1024, 0x20),
    }).finish();
    const bomb: Payload = { metadata: { encoding: Buffer.from(COMPRESSED_ENCODING) }, data: brotliCompressSync(huge) };
    expect(bomb.data!.length).toBeLessThan(10_000);
    await expect(codec.decode([bomb])).rejects.toThrow();
  });

  test('in the data converter it runs before encryption: the stored payload is encrypted, and decodes through the chain', async () => {
    const encryption = createEncryption(loadConfig());
    const codecs = encryption.dataConverter.payloadCodecs!;
    expect(codecs[0]).toBeInstanceOf(CompressionCodec);
    encryption.codec!.bind('wf-compress', 'acme');
    let payloads = [json(answer)];
    for (const c of codecs) payloads = await c.encode(payloads, { type: 'workflow', namespace: 'default', workflowId: 'wf-compress' });
    expect(encodingOf(payloads[0]!)).toBe(ENCRYPTED_ENCODING);
    // Decrypted alone, the inner payload is the compressed one: compression saw plaintext.
    const [inner] = await encryption.codec!.decode(payloads);
    expect(encodingOf(inner!)).toBe(COMPRESSED_ENCODING);
    const [plain] = await encryption.decode(payloads);
    expect(JSON.parse(Buffer.from(plain!.data!).toString())).toEqual(answer);
    encryption.close();
  });
});
