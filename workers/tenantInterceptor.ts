/** Gives each activity its workflow's tenant, spend scope and allowed providers, from the headers workflows/tenantHeader.ts sets. */
import type { Context } from '@temporalio/activity';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import type { SpendLedger, SpendScope } from '../providers/spend/spendLedger';
import { runWithSpendScope } from '../providers/spend/spendScope';
import { runWithTenant } from '../activities/currentWorkflow';
import { PROVIDERS_HEADER, SPEND_HEADER, TENANT_HEADER, type SpendHeader } from '../common/tenantHeaderName';
import { runWithAllowedProviders } from '../providers/fallback/allowedProviders';

/** `ledger`: the spend ledger, when prices are configured; a retried attempt first settles what an earlier one left reserved. */
export const tenantScope =
  (ledger?: SpendLedger): ActivityInterceptorsFactory =>
  (ctx) => ({
    inbound: {
      async execute(input, next) {
        const header = input.headers[TENANT_HEADER];
        const tenant = header ? defaultPayloadConverter.fromPayload<unknown>(header) : undefined;
        const tenantId = typeof tenant === 'string' ? tenant : undefined;
        const spend = spendScopeOf(ctx, tenantId, input.headers[SPEND_HEADER]);
        if (spend && ledger) await ledger.settleEarlierAttempts(spend);
        const providersHeader = input.headers[PROVIDERS_HEADER];
        const providers = providersHeader ? defaultPayloadConverter.fromPayload<string[]>(providersHeader) : undefined;
        return runWithTenant(tenantId, () => runWithSpendScope(spend, () => runWithAllowedProviders(providers, () => next(input))));
      },
    },
  });

/** Who this activity's paid calls spend for; undefined without a tenant or the header (a run from before budgets). */
function spendScopeOf(ctx: Context, tenantId: string | undefined, header: Payload | undefined): SpendScope | undefined {
  const workflowId = ctx.info.workflowExecution?.workflowId;
  if (!tenantId || !header || !workflowId) return undefined;
  const spend = defaultPayloadConverter.fromPayload<SpendHeader>(header);
  return {
    tenantId,
    userId: spend.userId,
    workflowId,
    ...(spend.batchId ? { batchId: spend.batchId } : {}),
    ...(spend.runBudgetUsd !== undefined ? { runBudgetUsd: spend.runBudgetUsd } : {}),
    activityKey: `${workflowId}/${ctx.info.activityId}`,
    attempt: ctx.info.attempt,
  };
}
