/**
 * render: the composed prompt through the image model, on the GPU task queue. The PNG goes to object
 * storage under a deterministic key; only the reference and metadata return to the workflow.
 */
import { Context } from '@temporalio/activity';
import { candidateKey } from '../common/objectKeys';
import type { ImageRef, ProviderLabel } from '../common/types';
import type { ImageModel, LabelledSection, ReferenceImage } from '../providers/imageModel';
import type { ObjectStore } from '../providers/objectStore';
import { currentWorkflowId } from './currentWorkflow';
import { toActivityFailure } from './failures';

export interface RenderImageInput {
  prompt: string;
  sections: LabelledSection[];
  size: string;
  seed?: number;
  imageIndex: number;
  round: number;
  /** Object keys of reference images (image search results, earlier turns, user uploads). */
  referenceKeys: string[];
}

export interface RenderImageResult {
  image: ImageRef;
  provider: ProviderLabel;
  model: string;
  mode: 'generate' | 'edit';
  revisedPrompt?: string;
  durationMs: number;
}

const HEARTBEAT_MS = 5_000;

export function renderImageActivity(deps: { imageModel: ImageModel; store: ObjectStore }) {
  return async function renderImage(input: RenderImageInput): Promise<RenderImageResult> {
    const ctx = Context.current();
    const started = Date.now();
    // Image models take tens of seconds; heartbeats let Temporal notice a dead GPU worker within heartbeatTimeout.
    ctx.heartbeat({ stage: 'references' });
    const timer = setInterval(() => ctx.heartbeat({ stage: 'rendering', elapsedMs: Date.now() - started }), HEARTBEAT_MS);
    try {
      const references: ReferenceImage[] = await Promise.all(
        input.referenceKeys.map(async (key, i) => ({ name: `reference-${i}.png`, data: await deps.store.get(key), contentType: 'image/png' })),
      );
      const out = await deps.imageModel.render({
        prompt: input.prompt,
        sections: input.sections,
        size: input.size,
        seed: input.seed,
        references,
        signal: ctx.cancellationSignal,
      });
      const key = candidateKey(currentWorkflowId(), input.imageIndex, input.round);
      const stored = await deps.store.put(key, out.png, 'image/png', { provider: out.provider, model: out.model });
      return {
        image: { ...stored, width: out.width, height: out.height },
        provider: out.provider,
        model: out.model,
        mode: out.mode,
        revisedPrompt: out.revisedPrompt,
        durationMs: Date.now() - started,
      };
    } catch (err) {
      throw toActivityFailure(err);
    } finally {
      clearInterval(timer);
    }
  };
}
