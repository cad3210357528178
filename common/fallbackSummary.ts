/**
 * What a run report says about its model fallbacks: each call and render a chain's later link answered, and
 * which image vendors rendered which rounds when they were not all the same (each candidate is one render, so a
 * candidate never mixes vendors; rounds may).
 */
import type { Candidate } from './generation';
import type { ModelCallRecord, ModelFallback } from './modelCall';

export interface FallbackSummary {
  calls: ({ purpose: string; provider: string } & ModelFallback)[];
  renders: ({ imageIndex: number; round: number; provider: string } & ModelFallback)[];
  /** Present when the rounds were rendered by more than one image vendor: each round's, per image. */
  imageVendorsByRound?: { imageIndex: number; round: number; provider: string }[];
}

/** Undefined when no call fell back and one vendor rendered every round (nothing to say). */
export function fallbackSummary(report: {
  calls: readonly ModelCallRecord[];
  result: { images: readonly { candidates: readonly Candidate[] }[] };
}): FallbackSummary | undefined {
  const calls = report.calls.flatMap((c) => (c.fallback ? [{ purpose: c.purpose, provider: c.provider, ...c.fallback }] : []));
  // A run that failed before rendering has no images.
  const candidates = (report.result.images ?? []).flatMap((i) => i.candidates);
  const renders = candidates.flatMap((c) =>
    c.renderedBy.fallback ? [{ imageIndex: c.imageIndex, round: c.round, provider: c.renderedBy.provider, ...c.renderedBy.fallback }] : [],
  );
  const mixed = new Set(candidates.map((c) => c.renderedBy.provider)).size > 1;
  if (!calls.length && !renders.length && !mixed) return undefined;
  return {
    calls,
    renders,
    ...(mixed ? { imageVendorsByRound: candidates.map((c) => ({ imageIndex: c.imageIndex, round: c.round, provider: c.renderedBy.provider })) } : {}),
  };
}
