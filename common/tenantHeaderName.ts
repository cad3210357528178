/** The activity header that carries the run's tenant (workflows/tenantHeader.ts → workers/tenantInterceptor.ts). */
export const TENANT_HEADER = 'image-agent-tenant';

/** The activity header that says who a run's paid calls spend for (providers/spend/spendScope.ts): its user, batch and own budget. */
export const SPEND_HEADER = 'image-agent-spend';

export interface SpendHeader {
  userId: string;
  batchId?: string;
  runBudgetUsd?: number;
}

/** The activity header that names the providers a run's model calls may go to (providers/fallback/allowedProviders.ts). */
export const PROVIDERS_HEADER = 'image-agent-providers';
