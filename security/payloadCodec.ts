/**
 * The PayloadCodec: every payload is encrypted with AES-256-GCM under its tenant's data key. The payload
 * becomes {encoding: binary/encrypted, encryption-key-id: <tenant>/<key id>}, its data
 * iv | ciphertext | tag of the original Payload (protobuf), with the key id as additional data.
 *
 * Which tenant a payload belongs to. Temporal hands the codec a serialization context naming the workflow
 * that owns the payload (the target workflow for starts, signals and updates; the scheduling workflow for
 * activities). The codec keeps workflow id → tenant, learned from:
 *  1. the client's start interceptor (the tenant search attribute of the start, or the input's tenantId);
 *  2. decoding: a payload's key id names its tenant, so a worker learns a run's tenant from its own input
 *     before it encodes anything for that run (a replay decodes the input first, too);
 *  3. a workflow's children: ids built from the parent's (`<parent>-image-1`, `<batch>-case-7`);
 *  4. for runs the process has not seen (a client signalling an old run), the run's tenant search
 *     attribute, read once from Temporal.
 * Anything else is encrypted under the system tenant's key: still encrypted, but not erasable per tenant.
 * Payloads without the encrypted encoding (histories written before encryption) pass through as they are.
 */
import type { Payload, PayloadCodec, SerializationContext } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { openAesGcm, sealAesGcm } from './aesGcm';
import { SYSTEM_TENANT, type TenantKeys } from './tenantKeys';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
const KEY_ID_METADATA = 'encryption-key-id';
const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array | null | undefined) => (b ? new TextDecoder().decode(b) : undefined);

/** The tenant a payload's key id names, or undefined for a plaintext payload. */
export function payloadTenant(p: Payload): string | undefined {
  if (dec(p.metadata?.encoding) !== ENCRYPTED_ENCODING) return undefined;
  return dec(p.metadata?.[KEY_ID_METADATA])?.split('/')[0];
}

export type TenantLookup = (workflowId: string) => Promise<string | undefined>;

export class EncryptionCodec implements PayloadCodec {
  private readonly tenants = new Map<string, string>();
  private readonly looked = new Map<string, Promise<string | undefined>>();
  /** Looks a run's tenant up in Temporal (set once the connection exists). */
  lookup?: TenantLookup;

  constructor(
    readonly keys: TenantKeys,
    /** Decoding only these tenants' payloads (the codec server for one auditor); others pass through encrypted. */
    private readonly onlyTenant?: string,
  ) {}

  /** Records a run's tenant (the client's start interceptor). */
  bind(workflowId: string, tenant: string): void {
    this.tenants.set(workflowId, tenant);
    if (this.tenants.size > 50_000) this.tenants.delete(this.tenants.keys().next().value!);
  }

  async encode(payloads: Payload[], context?: SerializationContext): Promise<Payload[]> {
    if (!payloads.length) return payloads;
    const tenant = await this.tenantFor(context?.workflowId);
    const key = await this.keys.encryptionKey(tenant);
    return payloads.map((p) => {
      if (dec(p.metadata?.encoding) === ENCRYPTED_ENCODING) return p;
      const data = sealAesGcm(key.key, key.id, temporal.api.common.v1.Payload.encode(p).finish());
      // No cipher entry: the encoding names the scheme (a new one would get a new encoding), and every
      // payload's metadata is stored in the history (payloads written with `encryption-cipher` still decode).
      return { metadata: { encoding: enc(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: enc(key.id) }, data };
    });
  }

  async decode(payloads: Payload[], context?: SerializationContext): Promise<Payload[]> {
    return Promise.all(
      payloads.map(async (p) => {
        if (dec(p.metadata?.encoding) !== ENCRYPTED_ENCODING) return p;
        const id = dec(p.metadata?.[KEY_ID_METADATA]) ?? '';
        const tenant = id.split('/')[0]!;
        if (this.onlyTenant !== undefined && tenant !== this.onlyTenant) return p;
        const key = await this.keys.decryptionKey(id);
        if (!key) throw new PayloadKeyMissingError(`payload key ${id} does not exist (destroyed by an erasure, or another keyring)`);
        const plain = openAesGcm(key.key, id, p.data ?? new Uint8Array());
        if (context?.workflowId && tenant !== SYSTEM_TENANT) this.bind(context.workflowId, tenant);
        return temporal.api.common.v1.Payload.decode(plain) as Payload;
      }),
    );
  }

  /** The codec server's encode: the caller's tenant key. */
  async encodeFor(tenant: string, payloads: Payload[]): Promise<Payload[]> {
    const workflowId = `codec-server:${tenant}`;
    this.bind(workflowId, tenant);
    return this.encode(payloads, { type: 'workflow', namespace: '', workflowId });
  }

  /**
   * The codec server's decode: only the caller's tenant's payloads (others, and payloads whose key was
   * destroyed, come back as they are: still encrypted).
   */
  async decodeFor(tenant: string, payloads: Payload[]): Promise<Payload[]> {
    return Promise.all(payloads.map(async (p) => (payloadTenant(p) === tenant ? ((await this.decode([p]).catch(() => [p]))[0] ?? p) : p)));
  }

  private async tenantFor(workflowId: string | undefined): Promise<string> {
    if (!workflowId) return SYSTEM_TENANT;
    const known = this.tenants.get(workflowId);
    if (known) return known;
    // A child's id starts with its parent's.
    let best: string | undefined;
    for (const id of this.tenants.keys()) if (workflowId.startsWith(`${id}-`) && (!best || id.length > best.length)) best = id;
    if (best) return this.tenants.get(best)!;
    if (this.lookup) {
      let p = this.looked.get(workflowId);
      if (!p) {
        p = this.lookup(workflowId).catch(() => undefined);
        this.looked.set(workflowId, p);
      }
      const found = await p;
      this.looked.delete(workflowId);
      if (found) {
        this.bind(workflowId, found);
        return found;
      }
    }
    return SYSTEM_TENANT;
  }
}

class PayloadKeyMissingError extends Error {
  override name = 'PayloadKeyMissingError';
}
