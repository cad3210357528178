/** The content-level plan (c_g), the checklist, verdicts and candidates of the feedback loop. */
import type { ModelCallRecord, ModelFallback } from './modelCall';
import type { ImageRef } from './types';

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

/**
 * pass: the critic looked and the item holds; fail: it looked and it does not (or the image cannot hold it);
 * unverified: nobody looked at the image (the offline critic, a judge outage), so nothing is claimed.
 */
export type VerdictStatus = 'pass' | 'fail' | 'unverified';

export interface Verdict {
  itemId: string;
  /** Absent in histories recorded before verdicts had three values: then `pass` decides. */
  status?: VerdictStatus;
  // legacy-read: report-fields-before-verdicts
  /** True only for `pass`; kept for readers of older reports. */
  pass: boolean;
  reason: string;
}

export function verdictStatus(v: Pick<Verdict, 'status' | 'pass'>): VerdictStatus {
  return v.status ?? (v.pass ? 'pass' : 'fail');
}

export function verdict(itemId: string, status: VerdictStatus, reason: string): Verdict {
  return { itemId, status, pass: status === 'pass', reason };
}

/** Passed, failed and unverified items of a critique (older critiques have no unverified ones). */
export function critiqueCounts(c: Pick<Critique, 'verdicts' | 'total'>): { passed: number; failed: number; unverified: number; total: number } {
  const statuses = c.verdicts.map(verdictStatus);
  const passed = statuses.filter((s) => s === 'pass').length;
  const unverified = statuses.filter((s) => s === 'unverified').length;
  return { passed, unverified, failed: c.total - passed - unverified, total: c.total };
}

/** "5/6 passed" or "3 passed, 3 unverified of 6": unverified items are never counted as passed. */
export function verdictSummary(c: Pick<Critique, 'verdicts' | 'total'>): string {
  const { passed, failed, unverified, total } = critiqueCounts(c);
  if (!unverified) return `${passed}/${total} passed`;
  return `${passed} passed, ${unverified} unverified${failed ? `, ${failed} failed` : ''} of ${total}`;
}

/** A critique where nobody looked: every item unverified, with the reason. */
export function unverifiedCritique(checklist: readonly ChecklistItem[], reason: string, provider: string, model: string): Critique {
  return {
    verdicts: checklist.map((c) => verdict(c.id, 'unverified', reason)),
    passed: 0,
    unverified: checklist.length,
    total: checklist.length,
    provider,
    model,
    calls: [],
  };
}

export interface Critique {
  verdicts: Verdict[];
  /** Items verified as passed; unverified items are not passed. */
  passed: number;
  // legacy-read: report-fields-before-verdicts
  /** Items nobody could check (absent in older histories: 0). */
  unverified?: number;
  total: number;
  /** The vendor that looked (a call record's provider); 'offline' for the offline critic. */
  provider: string;
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
    /** The vendor that rendered (a render output's provider); 'offline' for the offline renderer. */
    provider: string;
    model: string;
    mode: 'generate' | 'edit';
    /** The upload was retried with the bytes an earlier attempt spooled: paid once. */
    fromSpool?: boolean;
    /** An earlier attempt rendered on a worker that is gone: this candidate was paid for twice. */
    reRendered?: boolean;
    /** The image role's own vendor could not render it; `provider`, a link of its chain, did, for this reason. */
    fallback?: ModelFallback;
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

/**
 * The loop's stop rule after a critique: "all passed" only when every item was verified as passed. With
 * nothing failed but items unverified, another round has no feedback to act on: stop, and say so.
 */
export function stopAfterCritique(c: Pick<Critique, 'verdicts' | 'total'>): 'all_passed' | 'unverified' | undefined {
  const counts = critiqueCounts(c);
  if (counts.passed === counts.total) return 'all_passed';
  return counts.failed === 0 ? 'unverified' : undefined;
}

/** The next round's feedback: each failed item's statement (the size check has its own) and the critic's reason. */
export function feedbackFrom(round: number, previousPrompt: string, c: Pick<Critique, 'verdicts'>, checklist: readonly ChecklistItem[]): Feedback {
  const failed = c.verdicts.flatMap((v) => {
    if (verdictStatus(v) !== 'fail') return [];
    if (v.itemId === 'size') return [{ statement: 'The image has the size the request names', reason: v.reason }];
    const item = checklist.find((i) => i.id === v.itemId);
    return item ? [{ statement: item.statement, reason: v.reason }] : [];
  });
  return { round, previousPrompt, failed };
}

/** The candidate with the most items passed; ties go to the later round, which has seen more feedback. */
export function bestCandidate(candidates: readonly Candidate[]): Candidate | undefined {
  let best: Candidate | undefined;
  for (const c of candidates) {
    if (!best || (c.critique?.passed ?? -1) >= (best.critique?.passed ?? -1)) best = c;
  }
  return best;
}
