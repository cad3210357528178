/** How every client starts a GenerateImage: its queue, id, and the search attributes auditors filter by. */
import type { WorkflowStartOptions } from '@temporalio/client';
import type { SearchAttributePair } from '@temporalio/common';
import type { AppConfig } from '../common/config';
import type { GenerateImageInput } from '../common/request';
import { BatchId, Kind, Providers, Tenant, UserTag } from '../common/searchAttributes';
import { userTag } from '../common/userTag';

export function startOptions(
  config: AppConfig,
  input: GenerateImageInput,
  workflowId: string,
  kind = 'generate',
): Pick<WorkflowStartOptions, 'taskQueue' | 'workflowId' | 'typedSearchAttributes' | 'staticSummary' | 'memo'> {
  return {
    taskQueue: config.temporal.taskQueue,
    workflowId,
    // Auditors see the policy version beside the run in the Temporal UI; the workflow's own memo fields are added to it.
    ...(input.policy ? { memo: { policyVersion: input.policy.version, clamped: input.policy.clamped.map((c) => c.field) } } : {}),
    staticSummary: input.request.length > 80 ? `${input.request.slice(0, 79)}…` : input.request,
    typedSearchAttributes: runSearchAttributes(config, { kind, tenantId: input.tenantId, userId: input.userId }),
  };
}

/**
 * The search attributes every start path sets, in one place: the tenant (the boundary), the user's tag (never
 * the name), the kind of run, and the providers; a batch names its id instead of a user.
 */
export function runSearchAttributes(
  config: AppConfig,
  run: { kind: string; tenantId: string } & ({ userId: string; batchId?: never } | { batchId: string; userId?: never }),
): SearchAttributePair[] {
  if (run.batchId !== undefined) {
    return [
      { key: Kind, value: run.kind },
      { key: BatchId, value: run.batchId },
      { key: Tenant, value: run.tenantId },
    ];
  }
  return [
    { key: Tenant, value: run.tenantId },
    { key: UserTag, value: userTag(config.ids.key, run.tenantId, run.userId) },
    { key: Kind, value: run.kind },
    { key: Providers, value: config.models.mode },
  ];
}

/** The run's options with the configured outage window when the request names none. */
export function withOutageWindow<T extends { outageWindow?: string }>(config: AppConfig, options: T | undefined): T | undefined {
  if (!config.outageWindow || options?.outageWindow) return options;
  return { ...(options ?? ({} as T)), outageWindow: config.outageWindow };
}
