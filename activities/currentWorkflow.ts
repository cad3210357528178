import { Context } from '@temporalio/activity';

/** The id of the workflow running this activity: the root of every object key the activity writes. */
export function currentWorkflowId(): string {
  const execution = Context.current().info.workflowExecution;
  if (!execution) throw new Error('image-agent activities run only inside workflows');
  return execution.workflowId;
}
