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
  const priority = runPriority(tenant, priorityClass);
  return {
    tenant,
    resolved,
    clamped: [...resolved.clamped, ...(priority.clamp ? [priority.clamp] : [])],
    dispatch: config.tenants.dispatchKeys ? { priority: priority.priority } : {},
    ...(staleForMs !== undefined ? { staleForMs } : {}),
  };
}
