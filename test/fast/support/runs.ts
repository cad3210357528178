/** Starting GenerateImage runs on the fast tier's workers, with a world of fakes the test can look into. */
import { randomUUID } from 'node:crypto';
import type { VerdictStatus } from '../../../common/generation';
import type { GenerateImageInput } from '../../../common/request';
import type { GenerateImageResult } from '../../../common/runResult';
import { generateImage } from '../../../workflows';
import { fakeWorld, ScriptedCritic, type FakeWorld, type FastEnv, type WorkerOptions } from './timeSkippingEnv';

export const TENANT = 'fast';

export function generateInput(input: Partial<GenerateImageInput> = {}): GenerateImageInput {
  return { request: 'a red bicycle leaning on a wall', tenantId: TENANT, userId: 'u1', ...input, options: { size: '512x512', ...input.options } };
}

/** A world whose critic answers from `script` (see ScriptedCritic). */
export function scriptedWorld(script: VerdictStatus[][]): FakeWorld & { critic: ScriptedCritic } {
  const world = fakeWorld();
  const critic = new ScriptedCritic(script);
  world.models = { ...world.models, critic };
  return { ...world, critic };
}

/** Runs GenerateImage to its end (time skips while the result is awaited). */
export function runGenerate(fast: FastEnv, input: Partial<GenerateImageInput>, options: WorkerOptions = {}): Promise<GenerateImageResult> {
  return fast.withWorkers(
    (taskQueue) => fast.env.client.workflow.execute(generateImage, { taskQueue, workflowId: `gen-${randomUUID()}`, args: [generateInput(input)] }),
    options,
  );
}
