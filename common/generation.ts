/** The content-level plan (c_g), the checklist, verdicts and candidates of the feedback loop. */
import type { ModelCallRecord } from './modelCall';
import type { ImageRef, ProviderLabel } from './types';

/** Everything the image model needs, fixed: the generation context of the paper. */
export interface GenerationContext {
  /** The detailed prompt actually sent to the image model. */
  prompt: string;
  subject: string;
  attributes: string[];
  layout: string;
  style: string;
  /** Exact strings to render in the image. */
  textToRender: string[];
  /** What must not appear (e.g. a colour the user dislikes). */
  avoid: string[];
  referenceKeys: string[];
  size: string;
  seed?: number;
}

export interface ChecklistItem {
  id: string;
  /** A yes/no statement about the image ("The basket holds exactly 7 apples"). */
  statement: string;
  /** Which planned image it is about, for multi-image requests; absent when it applies to all. */
  imageId?: string;
}

export interface Verdict {
  itemId: string;
  pass: boolean;
  reason: string;
}

export interface Critique {
  verdicts: Verdict[];
  passed: number;
  total: number;
  provider: ProviderLabel;
  model: string;
  calls: ModelCallRecord[];
}

export interface Candidate {
  imageIndex: number;
  round: number;
  image: ImageRef;
  context: GenerationContext;
  critique?: Critique;
  renderedBy: {
    provider: ProviderLabel;
    model: string;
    mode: 'generate' | 'edit';
    /** The upload was retried with the bytes an earlier attempt spooled: paid once. */
    fromSpool?: boolean;
    /** An earlier attempt rendered on a worker that is gone: this candidate was paid for twice. */
    reRendered?: boolean;
  };
}

/** Feedback for the next compose: the items the last candidate failed, and why. */
export interface Feedback {
  round: number;
  previousPrompt: string;
  failed: { statement: string; reason: string }[];
  /** Words from a human reviewer, when a review rejected the candidate. */
  reviewer?: string;
}

/** The candidate with the most items passed; ties go to the later round, which has seen more feedback. */
export function bestCandidate(candidates: readonly Candidate[]): Candidate | undefined {
  let best: Candidate | undefined;
  for (const c of candidates) {
    if (!best || (c.critique?.passed ?? -1) >= (best.critique?.passed ?? -1)) best = c;
  }
  return best;
}
