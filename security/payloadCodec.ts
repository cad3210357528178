/**
 * The PayloadCodec: every payload is encrypted with AES-256-GCM under its tenant's data key. The payload
 * becomes {encoding: binary/encrypted, encryption-key-id: <tenant>/<key id>}, its data
 * iv | ciphertext | tag of the original Payload (protobuf), with the key id as additional data.
 *
 * A run's tenant is fixed at its start and never learned from a payload. Temporal hands the codec a
 * serialization context naming the workflow that owns the payload (the target workflow for starts, signals,
 * updates and queries; the scheduling workflow for activities). The codec keeps workflow id → tenant from:
 *  1. the client's start interceptor (the tenant search attribute of the start, or the input's tenantId);
 *  2. the run's first history event, read once from Temporal: its tenant search attribute, or else the tenant
 *     whose key encrypted its start input (both written by whoever started it, neither changeable later);
 *  3. in workers, a child started by a run of this process: its parent's tenant (children are started from
 *     their parent's code with ids built from the parent's: common/childWorkflowIds.ts); a run that already
 *     exists is always looked up first, so a workflow started directly with such an id gets its own.
 *
 * Workers (`runTenantChecks`) decrypt a run's payloads only under its own tenant's key: a payload under
 * another tenant's key, or a plaintext one sent to an encrypted run, reaches the workflow as a marker
 * (common/foreignPayload.ts) that its validators refuse and its signal handlers record as ignored. So a
 * principal of one tenant cannot make another tenant's run encrypt under its key, nor read it back.
 * Anything without a tenant is encrypted under the system tenant's key: still encrypted, not erasable per tenant.
 * Payloads without the encrypted encoding (histories written before encryption) pass through as they are.
 * legacy-read: unencrypted-payloads
 */
import type { Payload, PayloadCodec, SerializationContext } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { parentIdCandidates } from '../common/childWorkflowIds';
import { foreignPayloadValue } from '../common/foreignPayload';
import { openAesGcm, sealAesGcm } from './aesGcm';
import { canOwnKeys, SYSTEM_TENANT, type TenantKeys } from './tenantKeys';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
const KEY_ID_METADATA = 'encryption-key-id';
const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array | null | undefined) => (b ? new TextDecoder().decode(b) : undefined);
/** Runs remembered per process; the oldest is forgotten first (a forgotten run is looked up again). */
const MAX_RUNS = 50_000;

/** The tenant a payload's key id names, or undefined for a plaintext payload. */
export function payloadTenant(p: Payload): string | undefined {
  if (dec(p.metadata?.encoding) !== ENCRYPTED_ENCODING) return undefined;
  return dec(p.metadata?.[KEY_ID_METADATA])?.split('/')[0];
}

/** A run's tenant, as its start fixed it. */
export interface RunTenant {
  tenant: string;
  /** Whether its start input was encrypted: runs from before encryption take plaintext messages. */
  encrypted: boolean;
}

/** A run's tenant from its first history event, or undefined when no such workflow exists. */
export type TenantLookup = (workflowId: string) => Promise<RunTenant | undefined>;

const keyOwner = (tenant: string): string => (canOwnKeys(tenant) ? tenant : SYSTEM_TENANT);

/** What the decrypted payload of another tenant becomes (plain JSON: the default converter reads it). */
const REFUSED: Payload = { metadata: { encoding: enc('json/plain') }, data: enc(JSON.stringify(foreignPayloadValue)) };

export class EncryptionCodec implements PayloadCodec {
  private readonly runs = new Map<string, RunTenant>();
  private readonly looked = new Map<string, Promise<RunTenant | undefined>>();
  /** Looks a run's tenant up in Temporal (set once the connection exists). */
  lookup?: TenantLookup;

  constructor(
    readonly keys: TenantKeys,
    private readonly options: {
      /** Decoding only these tenants' payloads (the codec server for one auditor); others pass through encrypted. */
      onlyTenant?: string;
      /** Workers: decrypt a run's payloads only under its own tenant's key, and derive a new child's tenant from its parent. */
      runTenantChecks?: boolean;
    } = {},
  ) {}

  /** Records a run's tenant (the client's start interceptor). */
  bind(workflowId: string, tenant: string): void {
    this.remember(workflowId, { tenant: keyOwner(tenant), encrypted: true });
  }

  async encode(payloads: Payload[], context?: SerializationContext): Promise<Payload[]> {
    if (!payloads.length) return payloads;
    const run = await this.runOf(context?.workflowId, 'encode');
    const key = await this.keys.encryptionKey(run.tenant);
    return payloads.map((p) => {
      if (dec(p.metadata?.encoding) === ENCRYPTED_ENCODING) return p;
      const data = sealAesGcm(key.key, key.id, temporal.api.common.v1.Payload.encode(p).finish());
      // No cipher entry: the encoding names the scheme (a new one would get a new encoding), and every
      // payload's metadata is stored in the history (payloads written with `encryption-cipher` still decode).
      return { metadata: { encoding: enc(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: enc(key.id) }, data };
    });
  }

  async decode(payloads: Payload[], context?: SerializationContext): Promise<Payload[]> {
    if (!payloads.length) return payloads;
    const run = this.options.runTenantChecks && context?.workflowId ? await this.runOf(context.workflowId, 'decode') : undefined;
    // One at a time: a message holds few payloads, and decrypting them in turn bounds what is held at once.
    const out: Payload[] = [];
    for (const p of payloads) out.push(await this.decodeOne(p, run));
    return out;
  }

  private async decodeOne(p: Payload, run: RunTenant | undefined): Promise<Payload> {
    if (dec(p.metadata?.encoding) !== ENCRYPTED_ENCODING) return run?.encrypted ? REFUSED : p;
    const id = dec(p.metadata?.[KEY_ID_METADATA]) ?? '';
    const tenant = id.split('/')[0]!;
    if (run && tenant !== run.tenant) return REFUSED;
    if (this.options.onlyTenant !== undefined && tenant !== this.options.onlyTenant) return p;
    const key = await this.keys.decryptionKey(id);
    if (!key) throw new PayloadKeyMissingError(`payload key ${id} does not exist (destroyed by an erasure, or another keyring)`);
    return temporal.api.common.v1.Payload.decode(openAesGcm(key.key, id, p.data ?? new Uint8Array())) as Payload;
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
    const out: Payload[] = [];
    for (const p of payloads) out.push(payloadTenant(p) === tenant ? ((await this.decode([p]).catch(() => [p]))[0] ?? p) : p);
    return out;
  }

  private remember(workflowId: string, run: RunTenant): RunTenant {
    this.runs.set(workflowId, run);
    if (this.runs.size > MAX_RUNS) this.runs.delete(this.runs.keys().next().value!);
    return run;
  }

  /** The run's tenant: as bound or looked up, else (workers encoding a new child's start) its parent's. */
  private async runOf(workflowId: string | undefined, purpose: 'encode' | 'decode'): Promise<RunTenant> {
    if (!workflowId) return { tenant: SYSTEM_TENANT, encrypted: true };
    const known = this.runs.get(workflowId);
    if (known) return known;
    // A child's start is encoded before the child exists: looking it up first would cost a round trip per child.
    const parent = this.options.runTenantChecks ? this.parentOf(workflowId) : undefined;
    if (parent && purpose === 'encode') return this.remember(workflowId, parent);
    const found = await this.lookupOnce(workflowId);
    if (found) return this.remember(workflowId, found);
    if (parent) return this.remember(workflowId, parent);
    return { tenant: SYSTEM_TENANT, encrypted: true };
  }

  /** The longest known run whose children's ids start `workflowId`: a map lookup per candidate, never a scan of every run. */
  private parentOf(workflowId: string): RunTenant | undefined {
    for (const id of parentIdCandidates(workflowId)) {
      const run = this.runs.get(id);
      if (run) return run;
    }
    return undefined;
  }

  /** One lookup per run at a time; a failed lookup is not remembered (Temporal down: the task is retried). */
  private async lookupOnce(workflowId: string): Promise<RunTenant | undefined> {
    if (!this.lookup) return undefined;
    let pending = this.looked.get(workflowId);
    if (!pending) {
      pending = this.lookup(workflowId).then((found) => (found ? { ...found, tenant: keyOwner(found.tenant) } : undefined));
      this.looked.set(workflowId, pending);
      void pending.catch(() => undefined).finally(() => this.looked.delete(workflowId));
    }
    return pending;
  }
}

class PayloadKeyMissingError extends Error {
  override name = 'PayloadKeyMissingError';
}
