/** What an auditor needs about each model call: who was asked, what was sent, what came back, what it cost. */
import type { ProviderLabel } from './types';

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
  provider: ProviderLabel;
  model: string;
  /** The text sent, message by message (long texts are cut with a marker; images are counted, not copied). */
  messages: { role: string; text: string; images: number }[];
  response: string;
  usage: { inputTokens: number; outputTokens: number };
  durationMs: number;
  /**
   * Claim check: the full record (messages and response) is in object storage at `key`, element `index`;
   * here `messages` and `response` are left empty. Absent on records written before claim checks.
   */
  ref?: { key: string; index: number };
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

/** A role's answer with the calls that produced it. */
export interface Modelled<T> {
  value: T;
  calls: ModelCallRecord[];
}
