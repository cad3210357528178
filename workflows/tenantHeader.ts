/**
 * A workflow interceptor (compiled into the bundle, workers/workflowBundle.ts) that puts the run's tenant
 * into a header of every activity it schedules: its ImageAgentTenant search attribute, set by the client at
 * start, or else the `tenantId` of its input (a run started without search attributes). Activities take the
 * tenant from there (workers/tenantInterceptor.ts) for the keys they write and check the keys they read
 * against it. A second header says who the run's paid calls spend for: its user, its batch (the
 * ImageAgentBatch attribute of a case) and its own budget (providers/spend/); a third, the providers its model
 * calls may go to (providers/fallback/allowedProviders.ts). Headers add no commands, so
 * recorded histories replay unchanged.
 */
import {
  ApplicationFailure,
  defaultPayloadConverter,
  workflowInfo,
  type ActivityInput,
  type LocalActivityInput,
  type WorkflowInterceptorsFactory,
} from '@temporalio/workflow';
import { FOREIGN_PAYLOAD_PROBLEM, isForeignPayload } from '../common/foreignPayload';
import { BatchId, Tenant } from '../common/searchAttributes';
import { PROVIDERS_HEADER, SPEND_HEADER, TENANT_HEADER, type SpendHeader } from '../common/tenantHeaderName';

export const interceptors: WorkflowInterceptorsFactory = () => {
  let inputTenant: string | undefined;
  let spend: SpendHeader | undefined;
  let providers: string[] | undefined;
  function withTenant<T extends ActivityInput | LocalActivityInput>(input: T): T {
    const tenant = workflowInfo().typedSearchAttributes.get(Tenant) ?? inputTenant;
    if (!tenant) return input;
    const batchId = workflowInfo().typedSearchAttributes.get(BatchId);
    return {
      ...input,
      headers: {
        ...input.headers,
        [TENANT_HEADER]: defaultPayloadConverter.toPayload(tenant),
        ...(spend ? { [SPEND_HEADER]: defaultPayloadConverter.toPayload({ ...spend, ...(batchId ? { batchId } : {}) }) } : {}),
        ...(providers ? { [PROVIDERS_HEADER]: defaultPayloadConverter.toPayload(providers) } : {}),
      },
    };
  }
  return {
    inbound: [
      {
        execute(input, next) {
          // A start input another tenant encrypted (security/payloadCodec.ts): the run has nothing it may read.
          if (input.args.some(isForeignPayload)) throw ApplicationFailure.nonRetryable(FOREIGN_PAYLOAD_PROBLEM, 'ForeignTenantPayload');
          const first = input.args[0] as
            | {
                tenantId?: unknown;
                userId?: unknown;
                options?: { budgetUsd?: unknown; providers?: unknown };
                parent?: { tenantId?: unknown; userId?: unknown };
                policy?: { policy?: { allowedProviders?: unknown } };
              }
            | null
            | undefined;
          const tenantId = first?.tenantId ?? first?.parent?.tenantId;
          if (typeof tenantId === 'string') inputTenant = tenantId;
          // Who the run's paid calls spend for (a run without a user, such as a batch, spends as "batch").
          const userId = first?.userId ?? first?.parent?.userId;
          const budget = first?.options?.budgetUsd;
          spend = { userId: typeof userId === 'string' ? userId : 'batch', ...(typeof budget === 'number' ? { runBudgetUsd: budget } : {}) };
          // The providers the run's calls may use: its resolved options', or a batch case's tenant policy's (for its judge).
          const allowed = first?.options?.providers ?? first?.policy?.policy?.allowedProviders;
          if (Array.isArray(allowed) && allowed.every((p) => typeof p === 'string')) providers = allowed as string[];
          return next(input);
        },
      },
    ],
    outbound: [
      {
        scheduleActivity: (input, next) => next(withTenant(input)),
        scheduleLocalActivity: (input, next) => next(withTenant(input)),
      },
    ],
  };
};
