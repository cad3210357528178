/**
 * The workflows as a versioned worker runs them (IMAGE_AGENT_WORKER_VERSIONING, docs/operations.md, "Deploys"):
 * the same code, each workflow annotated with how it follows a new build. Its own bundle, because Temporal
 * refuses a versioning behavior from a worker that is not versioned, and a workflow cannot see which one it is on.
 *
 * A run, or a batch's case, moves to the current build at its next workflow task and replays there behind
 * patched(). A session or a batch, whose histories are long and whose children come and go, stays on its build
 * until its next continue-as-new (upgradeOnContinueAsNew.ts).
 */
import { setWorkflowOptions } from '@temporalio/workflow';
import { batch, batchCase, generateImage, generateImagePart, session } from './index';

setWorkflowOptions({ versioningBehavior: 'AUTO_UPGRADE' }, generateImage);
setWorkflowOptions({ versioningBehavior: 'AUTO_UPGRADE' }, generateImagePart);
setWorkflowOptions({ versioningBehavior: 'AUTO_UPGRADE' }, batchCase);
setWorkflowOptions({ versioningBehavior: 'PINNED' }, session);
setWorkflowOptions({ versioningBehavior: 'PINNED' }, batch);

export { batch, batchCase, generateImage, generateImagePart, session };
