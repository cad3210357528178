/**
 * `image-agent priority <run> <class>`: moves a run that is still open ahead or behind in its queues, through
 * Temporal's UpdateWorkflowExecutionOptions. Its tasks from now on (and the activities and children they start)
 * take the new priority key; the fairness key and weight stay the tenant's. A class better than the tenant's
 * policy allows is lowered to it and said; a run of another tenant is "no run", as everywhere.
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import { runPriority } from '../common/dispatchPriority';
import type { Clamp } from '../common/resolveRunOptions';
import { Tenant } from '../common/searchAttributes';
import type { PriorityClass } from '../common/tenantPolicy';
import { ConflictError, NotFoundError, type Generations } from './generations';
import { tenantPolicies } from './tenantPolicies';

/** The run kinds whose place in the queues a tenant may change. */
const PRIORITISED_TYPES = new Set(['generateImage', 'batch', 'session']);

export interface PriorityChanged {
  workflowId: string;
  priorityClass: PriorityClass;
  priorityKey: number;
  clamped: Clamp[];
}

export async function changeRunPriority(g: Generations, workflowId: string, requested: PriorityClass, tenant?: string): Promise<PriorityChanged> {
  const handle = g.client.workflow.getHandle(workflowId);
  const info = await handle.describe().catch((err: unknown) => {
    throw err instanceof WorkflowNotFoundError ? new NotFoundError(`no run ${workflowId}`) : err;
  });
  const owner = info.typedSearchAttributes.get(Tenant);
  if (!owner || !PRIORITISED_TYPES.has(info.type) || (tenant !== undefined && owner !== tenant)) throw new NotFoundError(`no run ${workflowId}`);
  if (info.status.name !== 'RUNNING')
    throw new ConflictError(`run ${workflowId} is ${info.status.name.toLowerCase()}: only an open run has a place in the queues`);
  const dispatch = runPriority(await tenantPolicies(g.config).current(owner), requested);
  await g.client.workflowService.updateWorkflowExecutionOptions({
    namespace: g.config.temporal.namespace,
    workflowExecution: { workflowId },
    workflowExecutionOptions: { priority: dispatch.priority },
    updateMask: { paths: ['priority'] },
    identity: 'image-agent priority',
  });
  return { workflowId, priorityClass: dispatch.priorityClass, priorityKey: dispatch.priority.priorityKey, clamped: dispatch.clamp ? [dispatch.clamp] : [] };
}
