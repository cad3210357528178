/**
 * Walking an error's cause chain (Temporal wraps: ChildWorkflowFailure → ActivityFailure →
 * ApplicationFailure; Node wraps: fetch failed → ECONNREFUSED). Pure: workflows use it too.
 */
import { ApplicationFailure } from '@temporalio/common';

/** The error and its causes, outermost first, at most `depth` of them; an AggregateError leads to its first error. */
export function causeChain(err: unknown, depth = 8): unknown[] {
  const chain: unknown[] = [];
  for (let e = err; e !== undefined && e !== null && chain.length < depth; e = nextCause(e)) chain.push(e);
  return chain;
}

function nextCause(e: unknown): unknown {
  if (typeof e !== 'object') return undefined;
  const { cause, errors } = e as { cause?: unknown; errors?: unknown };
  return cause ?? (Array.isArray(errors) ? errors[0] : undefined);
}

/** "Type: message" of the first typed application failure in the chain, else the outermost message. */
export function failureReason(err: unknown): string {
  const typed = causeChain(err).find((e): e is ApplicationFailure => e instanceof ApplicationFailure);
  if (typed) return `${typed.type ?? 'failure'}: ${typed.message}`;
  const innermost = causeChain(err).findLast((e): e is Error => e instanceof Error);
  return innermost?.message ?? String(err);
}
