/**
 * A role's ordered chain of model endpoints (links), and which of them answers a call. The choice is made in the
 * activity, from its attempt and how long ago its first attempt was scheduled, so a retry moves on by itself:
 * each link gets `attemptsPerLink` attempts and `linkBudgetMs`; after the last link the first is tried again.
 * Within one attempt, a link whose breaker is open is skipped at once, and, when `onContentPolicy` is set, so is a
 * link that refused the prompt on content-policy grounds. What answered, and why the links before it did not, is
 * returned for the call record, the render record and the report.
 */
import { Context } from '@temporalio/activity';
import { findImageAgentError, ImageAgentError } from '../../common/imageAgentError';
import { FailureType } from '../../common/failureTypes';
import { ContentPolicyRefusal } from '../modelErrors';
import type { ModelFallback } from '../../common/modelCall';
import type { CircuitBreaker } from './circuitBreaker';
import { allowedLinks } from './allowedProviders';

export interface ChainLink<M> {
  /** `vendor` or `vendor:profile`, as configured. */
  name: string;
  model: M;
  breaker: CircuitBreaker;
}

export interface FallbackSettings {
  attemptsPerLink: number;
  linkBudgetMs: number;
  onContentPolicy: boolean;
}

/** Every link's breaker was open: nothing is called, and Temporal retries the activity after its backoff. */
export class AllLinksOpenError extends ImageAgentError {
  override name = 'AllLinksOpenError';
  constructor(role: string, links: readonly string[]) {
    super(`every model endpoint of the ${role} role is failing (breakers open: ${links.join(', ')}); retrying`, {
      failureType: FailureType.RateLimited,
      retryable: true,
      httpStatus: 503,
      dependency: 'model',
    });
  }
}

/** The activity attempt a call belongs to; attempt 1 outside an activity (benchmarks' in-process pipeline, tests). */
function currentAttempt(now = Date.now()): { attempt: number; elapsedMs: number } {
  try {
    const info = Context.current().info;
    return { attempt: info.attempt, elapsedMs: Math.max(0, now - info.scheduledTimestampMs) };
  } catch {
    return { attempt: 1, elapsedMs: 0 };
  }
}

/** The link an attempt starts at, and why the ones before it were passed over. */
export function startingLink(
  links: number,
  at: { attempt: number; elapsedMs: number },
  s: FallbackSettings,
): { index: number; reason?: string; kind?: ModelFallback['kind'] } {
  const byAttempts = Math.floor((at.attempt - 1) / s.attemptsPerLink);
  const byTime = Math.floor(at.elapsedMs / s.linkBudgetMs);
  const step = Math.max(byAttempts, byTime);
  if (step === 0 || links === 1) return { index: 0 };
  return byAttempts >= byTime
    ? { index: step % links, reason: `${s.attemptsPerLink} failed attempts each`, kind: 'attempts' }
    : { index: step % links, reason: `no answer within ${Math.round(s.linkBudgetMs / 1000)} s each`, kind: 'time' };
}

/** An error that says the endpoint is unwell (a breaker counts it): retryable, and not a bad answer from a working model. */
function endpointFailed(err: unknown): boolean {
  const known = findImageAgentError(err);
  if (!known) return true; // network errors, timeouts and 5xx the vendor passed through
  return known.retryable && known.failureType !== FailureType.InvalidModelOutput;
}

/** Calls the chain: the link this attempt starts at, or the next whose breaker lets it through. */
export async function callThroughChain<M, T>(
  role: string,
  chain: readonly ChainLink<M>[],
  settings: FallbackSettings,
  call: (model: M) => Promise<T>,
): Promise<{ value: T; link: ChainLink<M>; fallback?: ModelFallback }> {
  // Only the providers the run may use (its tenant's allowedProviders): the first of them leads.
  const links = allowedLinks(role, chain);
  const start = startingLink(links.length, currentAttempt(), settings);
  const passed: string[] =
    start.index > 0
      ? [
          `${links
            .slice(0, start.index)
            .map((l) => l.name)
            .join(', ')}: ${start.reason}`,
        ]
      : [];
  let kind = start.kind;
  for (let i = 0; i < links.length; i++) {
    const link = links[(start.index + i) % links.length]!;
    if (!link.breaker.tryPass()) {
      passed.push(`${link.name}: breaker open`);
      kind = 'breaker';
      continue;
    }
    try {
      const value = await call(link.model);
      link.breaker.record(true);
      const fallback = link === links[0] || !kind ? undefined : { from: links[0]!.name, kind, reason: passed.join('; ') };
      return { value, link, ...(fallback ? { fallback } : {}) };
    } catch (err) {
      const unwell = endpointFailed(err);
      link.breaker.record(!unwell);
      const more = i < links.length - 1;
      if (more && settings.onContentPolicy && err instanceof ContentPolicyRefusal) {
        passed.push(`${link.name}: content-policy refusal (${err.reason})`);
        kind = 'content_policy';
        continue;
      }
      // A failure that opened the breaker (or a failed probe) moves on at once; any other is Temporal's to retry.
      if (more && unwell && link.breaker.state !== 'closed') {
        passed.push(`${link.name}: failed, breaker open`);
        kind = 'breaker';
        continue;
      }
      throw err;
    }
  }
  throw new AllLinksOpenError(
    role,
    links.map((l) => l.name),
  );
}
