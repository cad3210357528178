/**
 * Every activity the workflows call, each stage with its own timeouts and retry policy (DESIGN.md).
 * Model calls retry with backoff (a 429's Retry-After is honoured through nextRetryDelay); refusals and
 * rejected requests fail at once; the render heartbeats so a dead GPU worker is noticed in seconds.
 */
import { proxyActivities, workflowInfo, type ActivityOptions } from '@temporalio/workflow';
import type { AgentActivities, GpuActivities } from '../activities';
import { NON_RETRYABLE_TYPES } from '../common/failureTypes';
import { gpuTaskQueueFor } from '../common/taskQueues';

const NON_RETRYABLE = NON_RETRYABLE_TYPES;

/** Every activity heartbeats (workers/heartbeatInterceptor.ts), so a dead worker is noticed in seconds. */
const HEARTBEAT_TIMEOUT = '15 seconds';

function modelCall(startToClose: ActivityOptions['startToCloseTimeout'], maximumAttempts: number): ActivityOptions {
  return {
    startToCloseTimeout: startToClose,
    heartbeatTimeout: HEARTBEAT_TIMEOUT,
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts, nonRetryableErrorTypes: NON_RETRYABLE },
  };
}

export const plan = proxyActivities<Pick<AgentActivities, 'planContext'>>({ ...modelCall('2 minutes', 3), summary: 'plan the missing context' });
export const reason = proxyActivities<Pick<AgentActivities, 'reasonQuestion'>>(modelCall('2 minutes', 4));
export const web = proxyActivities<Pick<AgentActivities, 'searchWeb'>>(modelCall('3 minutes', 3));
export const images = proxyActivities<Pick<AgentActivities, 'searchImages'>>(modelCall('3 minutes', 3));
export const memory = proxyActivities<Pick<AgentActivities, 'recallMemory' | 'rememberTurn'>>(modelCall('1 minute', 5));
export const compose = proxyActivities<Pick<AgentActivities, 'composePrompt'>>(modelCall('2 minutes', 3));
export const checklist = proxyActivities<Pick<AgentActivities, 'planChecklist'>>({ ...modelCall('2 minutes', 3), summary: 'plan the feedback checklist' });
export const critique = proxyActivities<Pick<AgentActivities, 'critiqueImage'>>(modelCall('3 minutes', 3));
export const session = proxyActivities<Pick<AgentActivities, 'selectRelevantTurns'>>(modelCall('1 minute', 5));
export const report = proxyActivities<Pick<AgentActivities, 'writeReport'>>({
  summary: 'write the run report to object storage',
  startToCloseTimeout: '1 minute',
  heartbeatTimeout: HEARTBEAT_TIMEOUT,
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 10 },
});

export const batch = proxyActivities<Pick<AgentActivities, 'loadBatchCases' | 'writeBatchReport'>>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: HEARTBEAT_TIMEOUT,
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 10 },
});
export const judge = proxyActivities<Pick<AgentActivities, 'judgeCase'>>(modelCall('3 minutes', 3));

/** Webhook deliveries retry for about a quarter of an hour; a receiver's 4xx stops them. */
export const webhooks = proxyActivities<Pick<AgentActivities, 'deliverWebhook'>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes', maximumAttempts: 8, nonRetryableErrorTypes: ['WebhookRejected', 'InvalidInput'] },
});

/** The GPU stub is built per call: its queue is named after the workflow's own task queue. */
export function gpu() {
  return proxyActivities<GpuActivities>({
    taskQueue: gpuTaskQueueFor(workflowInfo().taskQueue),
    startToCloseTimeout: '10 minutes',
    heartbeatTimeout: HEARTBEAT_TIMEOUT,
    retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 5, nonRetryableErrorTypes: NON_RETRYABLE },
  });
}
