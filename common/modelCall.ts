/** What an auditor needs about each model call: who was asked, what was sent, what came back, what it cost. */

export interface Usage {
  inputTokens: number;
  outputTokens: number;
  /** Images produced by an image model. */
  images: number;
  /** Model calls made. */
  calls: number;
}

export interface ModelCallRecord {
  /** The step that made the call: plan_context, reason, summarize_evidence, compose_prompt, critique… */
  purpose: string;
  /** The vendor that answered (its name in providers/modelVendorList.ts); 'offline' for the offline implementations. */
  provider: string;
  model: string;
  /** The text sent, message by message (long texts are cut with a marker; images are counted, not copied). */
  messages: { role: string; text: string; images: number }[];
  response: string;
  usage: { inputTokens: number; outputTokens: number };
  durationMs: number;
  /**
   * Claim check: the full record (messages and response) is in object storage at `key`, element `index`;
   * here `messages` and `response` are left empty. Absent on records written before claim checks.
   * legacy-read: call-records-without-claim-check
   */
  ref?: { key: string; index: number };
  /** The role's own vendor could not answer, and the link named by `provider` did (providers/fallback/). */
  fallback?: ModelFallback;
}

/** Why a call was answered by a link of its role's chain other than the role's own vendor. */
export interface ModelFallback {
  /** The role's own vendor. */
  from: string;
  kind: 'breaker' | 'attempts' | 'time' | 'content_policy';
  /** Why each link before the one that answered was passed over. */
  reason: string;
}

export const EMPTY_USAGE: Usage = { inputTokens: 0, outputTokens: 0, images: 0, calls: 0 };

export function addUsage(a: Usage, b: Partial<Usage>): Usage {
  return {
    inputTokens: a.inputTokens + (b.inputTokens ?? 0),
    outputTokens: a.outputTokens + (b.outputTokens ?? 0),
    images: a.images + (b.images ?? 0),
    calls: a.calls + (b.calls ?? 0),
  };
}

export function usageOf(calls: readonly ModelCallRecord[]): Usage {
  return calls.reduce<Usage>((u, c) => addUsage(u, { inputTokens: c.usage.inputTokens, outputTokens: c.usage.outputTokens, calls: 1 }), EMPTY_USAGE);
}

/** The provider label of the offline implementations: every output they produce carries it. */
const OFFLINE_PROVIDER = 'offline';

/**
 * One label for the providers that produced something: 'offline' when any of them is offline (offline output is
 * always labelled as such), else the vendors, sorted, joined by '+' ('openai', 'image-server+openai'); 'none'
 * when nothing was produced. Pure, so workflows use it.
 */
export function providersLabel(providers: Iterable<string>): string {
  const distinct = [...new Set(providers)].sort();
  if (distinct.includes(OFFLINE_PROVIDER)) return OFFLINE_PROVIDER;
  return distinct.length ? distinct.join('+') : 'none';
}

/** A role's answer with the calls that produced it. */
export interface Modelled<T> {
  value: T;
  calls: ModelCallRecord[];
}
