/** Who rendered a candidate, and whether it was paid for once (spooled upload) or twice (re-rendered), or by a fallback link. */
import type { RenderImageResult } from '../../../activities/renderImage';
import type { Candidate } from '../../../common/generation';

export function renderedBy(r: RenderImageResult): Candidate['renderedBy'] {
  return {
    provider: r.provider,
    model: r.model,
    mode: r.mode,
    ...(r.fromSpool ? { fromSpool: true } : {}),
    ...(r.reRendered ? { reRendered: true } : {}),
    ...(r.fallback ? { fallback: r.fallback } : {}),
  };
}
