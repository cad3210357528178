import { AsyncLocalStorage } from 'node:async_hooks';
import { Context } from '@temporalio/activity';
import { assertTenantKey, safeSegment } from '../common/objectKeys';

/** The id of the workflow running this activity: the root of every object key the activity writes. */
export function currentWorkflowId(): string {
  const execution = Context.current().info.workflowExecution;
  if (!execution) throw new Error('image-agent activities run only inside workflows');
  return execution.workflowId;
}

const tenantScope = new AsyncLocalStorage<string | undefined>();

/** Runs an activity with its workflow's tenant (set by workers/tenantInterceptor.ts from the activity's header). */
export function runWithTenant<T>(tenantId: string | undefined, fn: () => T): T {
  return tenantScope.run(tenantId, fn);
}

/**
 * The tenant of the workflow running this activity, from its ImageAgentTenant search attribute (which the
 * client sets at start, and no request field can change): every key the activity writes starts with it,
 * and every key it reads must.
 */
export function currentTenant(): string {
  const tenant = tenantScope.getStore();
  if (!tenant) throw new Error('this activity was scheduled without a tenant header (workflows/tenantHeader.ts)');
  return tenant;
}

/**
 * Whether this activity may read `key`: only keys under its run's tenant prefix, or (for runs that started
 * before keys carried the tenant) the run's own legacy `runs/<workflowId>/` objects.
 */
export function assertReadable(key: string): void {
  // legacy-read: report-under-runs
  const legacyOwn = `runs/${safeSegment(currentWorkflowId())}/`;
  if (key.startsWith(legacyOwn) && !key.slice(legacyOwn.length).split('/').includes('..')) return;
  assertTenantKey(tenantScope.getStore(), key);
}
