/**
 * The data converter every client, worker and replayer of image-agent uses: the default payload
 * converter, the compression and encryption codecs (when encryption is on) and the failure converter
 * that moves failure messages into encrypted payloads. One function, so no process talks to Temporal
 * with another shape.
 */
import type { DataConverter, Payload, PayloadCodec } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import type { AppConfig } from '../common/config';
import { Tenant } from '../common/searchAttributes';
import { ObjectStore } from '../providers/objectStore';
import { CompressionCodec } from './compressionCodec';
import { loadKeyring } from './keyring';
import { EncryptionCodec, payloadTenant, type TenantLookup } from './payloadCodec';
import { SYSTEM_TENANT, tenantKeysFor } from './tenantKeys';

export const FAILURE_CONVERTER_PATH = require.resolve('./failureConverter');

export interface Encryption {
  /** Undefined when encryption is off. */
  codec?: EncryptionCodec;
  dataConverter: DataConverter;
  /** The compression codec ahead of encryption, when on (the codec server runs it around its tenant check). */
  compression?: CompressionCodec;
  /** Decodes payloads through the whole chain, as the SDK does (an auditor's tool, a test reading a history). */
  decode(payloads: Payload[]): Promise<Payload[]>;
  close(): void;
}

/**
 * The data converter for this configuration (and the codec, to bind tenants and look them up). Workers pass
 * `runTenantChecks`: they decrypt a run's payloads only under its own tenant's key.
 */
export function createEncryption(config: AppConfig, options: { onlyTenant?: string; runTenantChecks?: boolean } = {}): Encryption {
  const keyring = loadKeyring(config);
  if (!keyring) return { dataConverter: { failureConverterPath: FAILURE_CONVERTER_PATH }, decode: async (p) => p, close: () => undefined };
  const store = new ObjectStore(config.s3);
  const codec = new EncryptionCodec(tenantKeysFor(config, keyring, store), options);
  // Compression only alongside encryption: plain payloads stay JSON that the UI shows without a codec
  // server. Compressed first, encrypted last (the SDK encodes in array order and decodes in reverse).
  const compression = config.encryption.compress ? new CompressionCodec() : undefined;
  const payloadCodecs: PayloadCodec[] = [...(compression ? [compression] : []), codec];
  return {
    codec,
    ...(compression ? { compression } : {}),
    dataConverter: { payloadCodecs, failureConverterPath: FAILURE_CONVERTER_PATH },
    decode: (payloads) => decodeChain(payloadCodecs, payloads),
    close: () => store.destroy(),
  };
}

/** Decodes through codecs in reverse order, as the SDK does. */
async function decodeChain(codecs: PayloadCodec[], payloads: Payload[]): Promise<Payload[]> {
  for (const codec of [...codecs].reverse()) payloads = await codec.decode(payloads);
  return payloads;
}

/**
 * A run's tenant from its first history event (one page of one event): the tenant search attribute its
 * starter set, or else the tenant whose key encrypted its start input. Neither can be changed after the
 * start, so nothing sent to the run later can move it. No such workflow: undefined; Temporal down: throws.
 */
export function tenantLookup(service: temporal.api.workflowservice.v1.WorkflowService, namespace: string): TenantLookup {
  return async (workflowId) => {
    let started: temporal.api.history.v1.IWorkflowExecutionStartedEventAttributes | null | undefined;
    try {
      const page = await service.getWorkflowExecutionHistory({ namespace, execution: { workflowId }, maximumPageSize: 1 });
      started = page.history?.events?.[0]?.workflowExecutionStartedEventAttributes;
    } catch (err) {
      if ((err as { code?: number }).code === NOT_FOUND) return undefined;
      throw err;
    }
    if (!started) return undefined;
    const input = started.input?.payloads?.[0];
    const inputTenant = input ? payloadTenant(input) : undefined;
    const data = started.searchAttributes?.indexedFields?.[Tenant.name]?.data;
    const attribute: unknown = data ? JSON.parse(Buffer.from(data).toString('utf8')) : undefined;
    // A run whose input is under the system key stays on it (batch cases started before their parent's tenant
    // reached them): no tenant's auditor reads it, and moving it now would refuse its own input.
    const tenant = inputTenant === SYSTEM_TENANT ? SYSTEM_TENANT : typeof attribute === 'string' ? attribute : (inputTenant ?? SYSTEM_TENANT);
    return { tenant, encrypted: inputTenant !== undefined };
  };
}

/** gRPC's NOT_FOUND. */
const NOT_FOUND = 5;
