/** How every client starts a GenerateImage: its queue, id, and the search attributes auditors filter by. */
import type { WorkflowStartOptions } from '@temporalio/client';
import type { AppConfig } from '../common/config';
import type { GenerateImageInput } from '../common/request';
import { Kind, Providers, Tenant, UserTag } from '../common/searchAttributes';
import { userTag } from '../common/userTag';

export function startOptions(
  config: AppConfig,
  input: GenerateImageInput,
  workflowId: string,
  kind = 'generate',
): Pick<WorkflowStartOptions, 'taskQueue' | 'workflowId' | 'typedSearchAttributes' | 'staticSummary'> {
  return {
    taskQueue: config.temporal.taskQueue,
    workflowId,
    staticSummary: input.request.length > 80 ? `${input.request.slice(0, 79)}…` : input.request,
    typedSearchAttributes: [
      { key: Tenant, value: input.tenantId },
      { key: UserTag, value: userTag(config.ids.key, input.tenantId, input.userId) },
      { key: Kind, value: kind },
      { key: Providers, value: config.models.mode },
    ],
  };
}

/** The run's options with the configured outage window when the request names none. */
export function withOutageWindow<T extends { outageWindow?: string }>(config: AppConfig, options: T | undefined): T | undefined {
  if (!config.outageWindow || options?.outageWindow) return options;
  return { ...(options ?? ({} as T)), outageWindow: config.outageWindow };
}
