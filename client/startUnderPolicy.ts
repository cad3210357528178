/**
 * What every client start path reads and decides before it starts a run (a generation, a session, a batch): the
 * tenant's policy as it is now, the request clamped by it (common/resolveRunOptions.ts), the dispatch priority of
 * the start path's class (common/dispatchPriority.ts), and every clamp of both, for the answer. One place, so the
 * API, the CLI, sessions and batches cannot drift apart.
 */
import type { WorkflowStartOptions } from '@temporalio/client';
import type { AppConfig } from '../common/config';
import { runPriority } from '../common/dispatchPriority';
import { resolveRunOptions, type Clamp, type RequestedRun, type ResolvedRun } from '../common/resolveRunOptions';
import type { ReviewPolicy } from '../common/review';
import type { PriorityClass, VersionedTenantPolicy } from '../common/tenantPolicy';
import { tenantPolicies } from './tenantPolicies';
import { InvalidRequestError } from '../common/requestSchema';
import { CHAINED_ROLES } from '../providers/fallback/modelChains';

export interface StartPolicy {
  /** The policy as a run carries it (without how it was read). */
  tenant: VersionedTenantPolicy;
  resolved: ResolvedRun;
  /** The request's clamps and the dispatch class's, in that order. */
  clamped: Clamp[];
  /** Spread into the start's options: the priority, unless IMAGE_AGENT_DISPATCH_KEYS is off. */
  dispatch: Pick<WorkflowStartOptions, 'priority'>;
  /** Set when Postgres could not be read and the policy is the last one this process read, this long ago. */
  staleForMs?: number;
}

export async function startUnderPolicy(
  config: AppConfig,
  tenantId: string,
  requested: RequestedRun,
  defaultReview: ReviewPolicy,
  priorityClass: PriorityClass,
): Promise<StartPolicy> {
  const { source: _, staleForMs, ...tenant } = await tenantPolicies(config).current(tenantId);
  const resolved = resolveRunOptions(tenant, requested, defaultReview);
  const problem = resolved.options.providers && providersProblem(config, resolved.options.providers);
  if (problem) throw new InvalidRequestError(`invalid request: options.providers: ${problem}`);
  const priority = runPriority(tenant, priorityClass);
  return {
    tenant,
    resolved,
    clamped: [...resolved.clamped, ...(priority.clamp ? [priority.clamp] : [])],
    dispatch: config.tenants.dispatchKeys ? { priority: priority.priority } : {},
    ...(staleForMs !== undefined ? { staleForMs } : {}),
  };
}

/**
 * A run whose providers leave a role with no configured link to call is refused before it starts (the workers
 * check every call too: providers/fallback/allowedProviders.ts). The roles are this process's configuration's;
 * the embedder is not one of them, since memory does without it (full-text search).
 */
function providersProblem(config: AppConfig, providers: readonly string[]): string | undefined {
  for (const role of CHAINED_ROLES) {
    const links = [config.models.vendors[role], ...(config.models.chains[role] ?? [])];
    if (!links.some((l) => providers.includes(l)))
      return `the ${role} role's providers (${links.join(', ')}) include none of those allowed (${providers.join(', ')})`;
  }
  return undefined;
}
