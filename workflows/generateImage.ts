/**
 * GenerateImage: one request, end to end, as a durable workflow.
 */
import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { GpuActivities } from '../activities';
import type { RenderImageResult } from '../activities/renderImage';
import { gpuTaskQueueFor } from '../common/taskQueues';

export interface GenerateImageInput {
  prompt: string;
  size?: string;
  seed?: number;
}

export interface GenerateImageResult {
  final: RenderImageResult;
}


export async function generateImage(input: GenerateImageInput): Promise<GenerateImageResult> {
  const { renderImage } = proxyActivities<GpuActivities>({
    taskQueue: gpuTaskQueueFor(workflowInfo().taskQueue),
    startToCloseTimeout: '10 minutes',
    heartbeatTimeout: '30 seconds',
    retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 5, nonRetryableErrorTypes: ['ContentPolicyRefusal', 'ModelRequestRejected', 'InvalidInput'] },
  });
  const final = await renderImage({
    prompt: input.prompt,
    sections: [{ title: 'Prompt', body: input.prompt }],
    size: input.size ?? '1024x1024',
    seed: input.seed,
    imageIndex: 0,
    round: 1,
    referenceKeys: [],
  });
  return { final };
}
