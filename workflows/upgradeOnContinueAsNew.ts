/**
 * Pinned workflows (a session, a batch) stay on the build that started them, so a deploy never replays
 * their long histories on new code. They move to the deployment's current build at their next continue-as-new:
 * the new run starts as auto-upgrade (routed to the current build), then is pinned there. Without worker
 * versioning both are no-ops: the flag stays false and the server ignores the behavior.
 */
import { makeContinueAsNewFunc, workflowInfo, type Workflow } from '@temporalio/workflow';

/** Whether the deployment's current build is no longer the one this run is pinned to: time to continue as new. */
export function newBuildIsCurrent(): boolean {
  return workflowInfo().targetWorkerDeploymentVersionChanged;
}

/** continueAsNew, with the new run routed to the deployment's current build. */
export function continueAsNewOnCurrentBuild<F extends Workflow>(...args: Parameters<F>): Promise<never> {
  return makeContinueAsNewFunc<F>({ initialVersioningBehavior: 'AUTO_UPGRADE' })(...args);
}
