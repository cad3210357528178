/**
 * Runs paused at their budget gate (workflows/budgetGate.ts): listed per tenant, and resumed or stopped by an
 * admin one at a time, or all of a tenant's at once when its budget is raised (`budget set`, `tenant set`, and
 * `POST /v1/tenant/policy`). A decision is a Workflow Update whose validator refuses it when the run is not
 * waiting; another tenant's run is answered as not found. Cost: one visibility list, then one update per paused run
 * (one describe more for a single decision).
 */
import { visibilityString as quote } from './visibilityString';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { Stage, Tenant } from '../common/searchAttributes';
import { BUDGET_PAUSED_STAGE, budgetGateUpdate, type BudgetGateAnswer, type BudgetGateDecision, type BudgetGateView } from '../workflows/budgetGateMessages';
import { ConflictError, NotFoundError } from './generations';

export interface PausedRun {
  workflowId: string;
  workflowType: string;
  gate?: BudgetGateView;
}

/** The tenant's runs waiting at a budget gate (generations, the images of a set, a batch's cases). */
export async function pausedRuns(client: Client, tenant: string, limit = 100): Promise<PausedRun[]> {
  const out: PausedRun[] = [];
  const query = `${Tenant.name} = ${quote(tenant)} AND ${Stage.name} = '${BUDGET_PAUSED_STAGE}' AND ExecutionStatus = 'Running'`;
  for await (const info of client.workflow.list({ query, pageSize: Math.min(limit, 100) })) {
    const gate = info.memo?.budgetGate as BudgetGateView | undefined;
    out.push({ workflowId: info.workflowId, workflowType: info.type, ...(gate ? { gate } : {}) });
    if (out.length >= limit) break;
  }
  return out;
}

/** One run's gate: resumed (after a raise) or stopped. `tenant`: the caller's, which must own the run. */
export async function decideBudgetGate(client: Client, workflowId: string, decision: BudgetGateDecision, tenant?: string): Promise<BudgetGateAnswer> {
  const handle = client.workflow.getHandle(workflowId);
  const info = await handle.describe().catch((err: unknown) => {
    throw err instanceof WorkflowNotFoundError ? new NotFoundError(`no run ${workflowId}`) : err;
  });
  // The same answer as for a run that does not exist, so an outsider cannot learn which ids exist.
  if (tenant !== undefined && info.typedSearchAttributes.get(Tenant) !== tenant) throw new NotFoundError(`no run ${workflowId}`);
  if (info.status.name !== 'RUNNING' || info.typedSearchAttributes.get(Stage) !== BUDGET_PAUSED_STAGE)
    throw new ConflictError(`run ${workflowId} is not waiting at a budget gate`);
  return handle.executeUpdate(budgetGateUpdate, { args: [decision] });
}

/** Resumes every paused run of the tenant (its budget was just raised); a run that fails to take it is named, the rest go on. */
export async function resumeBudgetGates(
  client: Client,
  tenant: string,
  by: string,
): Promise<{ resumed: string[]; failed: { workflowId: string; error: string }[] }> {
  const paused = await pausedRuns(client, tenant);
  const outcomes = await Promise.allSettled(
    // The list already says each run is the tenant's and paused: one update each, no describe (the validator refuses one no longer waiting).
    paused.map((p) =>
      client.workflow.getHandle(p.workflowId).executeUpdate(budgetGateUpdate, { args: [{ decision: 'resume', by, reason: 'budget changed' }] }),
    ),
  );
  return {
    resumed: paused.filter((_, i) => outcomes[i]!.status === 'fulfilled').map((p) => p.workflowId),
    failed: paused.flatMap((p, i) => {
      const o = outcomes[i]!;
      return o.status === 'rejected' ? [{ workflowId: p.workflowId, error: (o.reason as Error).message }] : [];
    }),
  };
}
