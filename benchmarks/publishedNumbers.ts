/**
 * Every benchmark number published in the Qwen-Image-Agent paper (arXiv 2606.26907), as listed in
 * shared/PAPER.md, in the paper's own units: IA-Bench in percent, WISE-Verified and MindBench as
 * fractions. Values the paper does not give are absent, never zero.
 */
import type { Capability } from './iaBench/taxonomy';

export const PAPER = 'Qwen-Image-Agent (arXiv 2606.26907)';
/** The method this project implements; the row ours is compared with. */
export const REFERENCE_SYSTEM = 'Qwen-Image-Agent';

export type IaBenchEntryKind = 'method' | 'model' | 'agentic_baseline' | 'ablation';

export interface PublishedIaBenchEntry {
  system: string;
  kind: IaBenchEntryKind;
  /** Percent. */
  iaScore: number;
  /** Percent, for the capabilities the paper reports for this entry. */
  passRates: Partial<Record<Capability, number>>;
}

export const PUBLISHED_IA_BENCH: readonly PublishedIaBenchEntry[] = [
  { system: 'Qwen-Image-Agent', kind: 'method', iaScore: 45.4, passRates: { plan: 45.3, reason: 43.7, search: 46.1, memory: 49.0 } },
  { system: 'Nano Banana', kind: 'model', iaScore: 43.1, passRates: {} },
  { system: 'Nano Banana Pro', kind: 'model', iaScore: 42.6, passRates: {} },
  { system: 'Seedream-5.0-Lite', kind: 'model', iaScore: 36.0, passRates: {} },
  { system: 'GPT-Image-1.5', kind: 'model', iaScore: 35.7, passRates: {} },
  { system: 'Qwen-Image-2.0', kind: 'model', iaScore: 17.4, passRates: {} },
  { system: 'SCOPE', kind: 'agentic_baseline', iaScore: 30.9, passRates: {} },
  { system: 'MindBrush', kind: 'agentic_baseline', iaScore: 30.2, passRates: {} },
  { system: 'GEMS', kind: 'agentic_baseline', iaScore: 24.9, passRates: {} },
  { system: 'GenSearcher', kind: 'agentic_baseline', iaScore: 17.3, passRates: {} },
  { system: 'Qwen-Image-Agent without search', kind: 'ablation', iaScore: 34.3, passRates: { search: 7.8 } },
  { system: 'Qwen-Image-Agent without reasoning', kind: 'ablation', iaScore: 35.1, passRates: { plan: 24.7 } },
  { system: 'Qwen-Image-Agent without memory', kind: 'ablation', iaScore: 40.5, passRates: { memory: 0 } },
  { system: 'Qwen-Image-Agent without feedback', kind: 'ablation', iaScore: 42.1, passRates: {} },
  { system: 'Qwen-Image-Agent, weaker orchestration model', kind: 'ablation', iaScore: 27.8, passRates: {} },
  { system: 'Qwen-Image-Agent, weaker generator', kind: 'ablation', iaScore: 28.3, passRates: {} },
];

export interface PublishedOverall {
  system: string;
  /** Fraction in [0, 1]. */
  overall: number;
}

/** Overall accuracy (fraction of cases with every checklist item passed). */
export const PUBLISHED_MINDBENCH: readonly PublishedOverall[] = [
  { system: 'Qwen-Image-Agent', overall: 0.42 },
  { system: 'Nano Banana Pro', overall: 0.41 },
  { system: 'Qwen-Image-2.0', overall: 0.23 },
];

/** Weighted overall; the paper ran WISE-Verified with the feedback loop off. */
export const PUBLISHED_WISE_VERIFIED: readonly PublishedOverall[] = [
  { system: 'Qwen-Image-Agent', overall: 0.902 },
  { system: 'Nano Banana Pro', overall: 0.876 },
  { system: 'GPT-Image-1.5', overall: 0.825 },
  { system: 'Qwen-Image-2.0', overall: 0.795 },
];

export function publishedIaBench(system: string): PublishedIaBenchEntry {
  return findSystem(PUBLISHED_IA_BENCH, system);
}

export function publishedOverall(table: readonly PublishedOverall[], system: string): PublishedOverall {
  return findSystem(table, system);
}

function findSystem<T extends { system: string }>(table: readonly T[], system: string): T {
  const row = table.find((r) => r.system === system);
  if (row === undefined) throw new Error(`no published number for ${system}`);
  return row;
}
