/** Reads a workflow's history as an auditor would: every payload decoded, and its encoded size. */
import type { WorkflowHandle } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { loadConfig } from '../../config/loadConfig';
import { createEncryption, type Encryption } from '../../security/dataConverter';

export interface HistoryDump {
  /** The history as fetched (encoded payloads), for callers that walk its events. */
  history: temporal.api.history.v1.IHistory;
  events: number;
  bytes: number;
  /** Every payload's data as text (JSON payloads are UTF-8). */
  payloadTexts: string[];
  /** Every payload's raw bytes. */
  payloadBytes: Buffer[];
}

export function collectPayloads(node: unknown, out: Payload[]): void {
  if (!node || typeof node !== 'object') return;
  if (node instanceof Uint8Array) return;
  const maybe = node as { metadata?: unknown; data?: unknown };
  if (maybe.metadata && maybe.data instanceof Uint8Array) {
    out.push(node as Payload);
    return;
  }
  for (const value of Object.values(node)) collectPayloads(value, out);
}

/** `encryption`: a caller that dumps many histories passes its own, instead of one keyring and S3 client per call. */
export async function dumpHistory(handle: WorkflowHandle, encryption?: Encryption): Promise<HistoryDump> {
  const history = await handle.fetchHistory();
  const payloads: Payload[] = [];
  collectPayloads(history, payloads);
  // Decoded as the auditor's codec server would (a payload whose key is gone stays as it is).
  const own = encryption ? undefined : createEncryption(loadConfig());
  const chain = encryption ?? own!;
  const decoded = await Promise.all(payloads.map(async (p) => (await chain.decode([p]).catch(() => [p]))[0]!));
  own?.close();
  const payloadBytes = decoded.map((p) => Buffer.from(p.data ?? new Uint8Array()));
  return {
    history,
    events: history.events?.length ?? 0,
    bytes: temporal.api.history.v1.History.encode(history).finish().length,
    payloadTexts: payloadBytes.map((b) => b.toString('utf8')),
    payloadBytes,
  };
}

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Image bytes in any form: raw PNG/JPEG magic, or base64 of them, or a long base64 run. */
export function findImageBytes(dump: HistoryDump): string[] {
  const problems: string[] = [];
  dump.payloadBytes.forEach((bytes, i) => {
    if (bytes.includes(PNG_MAGIC)) problems.push(`payload ${i}: raw PNG bytes`);
    if (bytes.includes(Buffer.from([0xff, 0xd8, 0xff]))) problems.push(`payload ${i}: raw JPEG bytes`);
    const text = dump.payloadTexts[i]!;
    if (text.includes('iVBORw0KGgo')) problems.push(`payload ${i}: base64 PNG`);
    if (text.includes('/9j/')) problems.push(`payload ${i}: base64 JPEG`);
    if (/data:image\//.test(text)) problems.push(`payload ${i}: data URL`);
    if (/[A-Za-z0-9+/]{2000,}/.test(text)) problems.push(`payload ${i}: a long base64 run`);
  });
  return problems;
}
