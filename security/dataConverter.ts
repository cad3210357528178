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
import { EncryptionCodec, type TenantLookup } from './payloadCodec';
import { TenantKeys } from './tenantKeys';

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

/** The data converter for this configuration (and the codec, to bind tenants and look them up). */
export function createEncryption(config: AppConfig, options: { onlyTenant?: string } = {}): Encryption {
  const keyring = loadKeyring(config);
  if (!keyring) return { dataConverter: { failureConverterPath: FAILURE_CONVERTER_PATH }, decode: async (p) => p, close: () => undefined };
  const store = new ObjectStore(config.s3);
  const codec = new EncryptionCodec(new TenantKeys(keyring, store), options.onlyTenant);
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

/** A run's tenant from its search attribute (never encrypted), through the connection's workflow service. */
export function tenantLookup(service: temporal.api.workflowservice.v1.WorkflowService, namespace: string): TenantLookup {
  return async (workflowId) => {
    const described = await service.describeWorkflowExecution({ namespace, execution: { workflowId } });
    const data = described.workflowExecutionInfo?.searchAttributes?.indexedFields?.[Tenant.name]?.data;
    if (!data) return undefined;
    const value: unknown = JSON.parse(Buffer.from(data).toString('utf8'));
    return typeof value === 'string' ? value : undefined;
  };
}
