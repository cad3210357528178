/**
 * render: the composed prompt through the image model, on the GPU task queue. The PNG goes to object
 * storage under a deterministic key; only the reference and metadata return to the workflow.
 *
 * A render is paid work, never repeated because a later step failed: the bytes are spooled on the
 * worker's disk before the upload, and a retry on the same worker uploads them instead of rendering
 * again. A retry on another worker cannot reach them, so it renders again and says so (`reRendered`),
 * which the run's cost and the soak's billing check count.
 */
import os from 'node:os';
import { Context } from '@temporalio/activity';
import { candidateKey } from '../common/objectKeys';
import type { ImageRef } from '../common/types';
import type { ModelFallback } from '../common/modelCall';
import type { ImageModel, LabelledSection, ReferenceImage, RenderOutput } from '../providers/imageModel';
import type { ObjectStore } from '../providers/objectStore';
import { assertReadable, currentTenant, currentWorkflowId } from './currentWorkflow';
import { reportProgress } from './progress';
import type { RenderSpool } from './renderSpool';

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
  /** The vendor that rendered. */
  provider: string;
  model: string;
  mode: 'generate' | 'edit';
  revisedPrompt?: string;
  durationMs: number;
  /** The bytes came from an earlier attempt's spool: the model was not called again. */
  fromSpool?: boolean;
  /** An earlier attempt rendered (or died while its request was with the provider) and left no spooled bytes here: this attempt paid again. */
  reRendered?: boolean;
  /** The image role's own vendor could not answer; `provider`, a link of its chain, did. */
  fallback?: ModelFallback;
}

/** What a render attempt reports; the next attempt reads it to know whether a render was already paid for. */
interface RenderProgress {
  stage: 'rendering' | 'failed' | 'rendered';
  spoolId?: string;
  worker?: string;
}

const WORKER = `${os.hostname()}:${process.pid}`;

export function renderImageActivity(deps: { imageModel: ImageModel; store: ObjectStore; spool: RenderSpool }) {
  return async function renderImage(input: RenderImageInput): Promise<RenderImageResult> {
    const ctx = Context.current();
    const started = Date.now();
    const spoolId = deps.spool.idOf({ workflowId: currentWorkflowId(), runId: ctx.info.workflowExecution?.runId ?? '', activityId: ctx.info.activityId });
    const earlier = ctx.info.heartbeatDetails as RenderProgress | undefined;
    let out: RenderOutput | undefined = await deps.spool.take(spoolId);
    const fromSpool = out !== undefined;
    if (!out) {
      // The first heartbeat is sent at once (later ones are throttled): from here on, a retry knows this
      // attempt may have reached the provider. Heartbeats also let Temporal notice a dead GPU worker.
      reportProgress({ stage: 'rendering' } satisfies RenderProgress);
      input.referenceKeys.forEach(assertReadable);
      const references: ReferenceImage[] = await Promise.all(
        input.referenceKeys.map(async (key, i) => ({ name: `reference-${i}.png`, data: await deps.store.get(key), contentType: 'image/png' })),
      );
      try {
        out = await deps.imageModel.render({
          prompt: input.prompt,
          sections: input.sections,
          size: input.size,
          seed: input.seed,
          references,
          signal: ctx.cancellationSignal,
        });
      } catch (err) {
        // The provider answered with an error: nothing was paid for.
        reportProgress({ stage: 'failed' } satisfies RenderProgress);
        throw err;
      }
      await deps.spool.keep(spoolId, out);
      reportProgress({ stage: 'rendered', spoolId, worker: WORKER } satisfies RenderProgress);
    }
    const key = candidateKey(currentTenant(), currentWorkflowId(), input.imageIndex, input.round);
    const stored = await deps.store.put(key, out.png, 'image/png', { provider: out.provider, model: out.model });
    await deps.spool.drop(spoolId);
    const warning = renderWarning(input.size, out);
    if (warning) console.warn(`render ${key}: ${warning}`);
    return {
      image: { ...stored, width: out.width, height: out.height, ...(warning ? { warning } : {}) },
      provider: out.provider,
      model: out.model,
      mode: out.mode,
      revisedPrompt: out.revisedPrompt,
      durationMs: Date.now() - started,
      ...(fromSpool ? { fromSpool: true } : {}),
      ...(out.fallback ? { fallback: out.fallback } : {}),
      // Counted conservatively: an attempt that died while its request may have been with the provider
      // is taken as paid, so the run's cost never under-reports.
      ...(!fromSpool && (earlier?.stage === 'rendered' || earlier?.stage === 'rendering') ? { reRendered: true } : {}),
    };
  };
}

/** What differs between the request and the image the model returned: size (WxH) or format. */
function renderWarning(size: string, out: { width: number; height: number; sourceFormat?: string }): string | undefined {
  const problems: string[] = [];
  const asked = /^(\d+)x(\d+)$/.exec(size);
  if (asked && (Number(asked[1]) !== out.width || Number(asked[2]) !== out.height)) problems.push(`asked for ${size}, got ${out.width}x${out.height}`);
  if (out.sourceFormat) problems.push(`asked for png, got ${out.sourceFormat} (converted)`);
  return problems.length ? `the image model returned another image than requested: ${problems.join('; ')}` : undefined;
}
