/** The Batch workflow's messages, shared with its clients. */
import { defineQuery } from '@temporalio/workflow';
import type { BatchProgress } from '../../common/batch';

export const batchProgressQuery = defineQuery<BatchProgress>('progress');

export { batchWorkflowId } from '../../common/childWorkflowIds';
