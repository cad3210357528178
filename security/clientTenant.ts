/**
 * Tells the codec a new run's tenant before its first payload is encoded: from the start's tenant search
 * attribute, or else the input's tenantId (every image-agent workflow input carries one).
 */
import type { WorkflowClientInterceptor } from '@temporalio/client';
import { TypedSearchAttributes, type SearchAttributePair } from '@temporalio/common';
import { Tenant } from '../common/searchAttributes';
import type { EncryptionCodec } from './payloadCodec';

function tenantOfStart(options: { workflowId: string; args: unknown[]; typedSearchAttributes?: unknown }): string | undefined {
  const tsa = options.typedSearchAttributes;
  const fromAttribute =
    tsa instanceof TypedSearchAttributes
      ? tsa.get(Tenant)
      : Array.isArray(tsa)
        ? (tsa as SearchAttributePair[]).find((p) => p.key.name === Tenant.name)?.value
        : undefined;
  if (typeof fromAttribute === 'string') return fromAttribute;
  const first = options.args[0] as { tenantId?: unknown } | undefined;
  return typeof first?.tenantId === 'string' ? first.tenantId : undefined;
}

export function tenantBindingInterceptor(codec: EncryptionCodec): WorkflowClientInterceptor {
  const bind = (options: { workflowId: string; args: unknown[]; typedSearchAttributes?: unknown }) => {
    const tenant = tenantOfStart(options);
    if (tenant) codec.bind(options.workflowId, tenant);
  };
  return {
    async start(input, next) {
      bind(input.options);
      return next(input);
    },
    async signalWithStart(input, next) {
      bind(input.options);
      return next(input);
    },
    // A session's first turn starts it (update-with-start): its input is encoded under the same tenant.
    async startUpdateWithStart(input, next) {
      bind(input.workflowStartOptions);
      return next(input);
    },
  };
}
