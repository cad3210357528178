/**
 * Turns an activity's error into the Temporal failure its traits say (common/imageAgentError.ts): the
 * failure type workflows tell apart, whether a retry can help, how long the dependency asked to wait, and a
 * cap on attempts for errors that are retried only a few times (an invalid model answer). Errors that are
 * not image-agent errors pass through and are retried. Applied to every activity by
 * workers/failureInterceptor.ts; a new error is a subclass with its traits, and nothing here changes.
 */
import { ApplicationFailure } from '@temporalio/activity';
import { findImageAgentError, type ImageAgentError } from '../common/imageAgentError';

/** Whether an error uses up a capped number of attempts (counted across attempts by the interceptor). */
export function countsTowardsAttemptCap(err: unknown): boolean {
  return findImageAgentError(err)?.maxAttempts !== undefined;
}

/**
 * The typed failure for an error, given how many capped errors this activity has had, this one included
 * (only those count: attempts lost to a rate limit or an outage do not).
 */
export function toActivityFailure(err: unknown, cappedErrors: number): unknown {
  if (err instanceof ApplicationFailure) return err;
  const known = findImageAgentError(err);
  // An outage without a type of its own (Postgres, object storage) is retried on the activity's policy, as any error is.
  if (!known || (!known.failureType && known.retryable)) return err;
  const exhausted = known.maxAttempts !== undefined && cappedErrors >= known.maxAttempts;
  return ApplicationFailure.create({
    type: known.failureType ?? known.name,
    message: messageOf(known, cappedErrors),
    nonRetryable: !known.retryable || exhausted,
    nextRetryDelay: retryDelay(known.retryAfterMs),
    ...(known.details ? { details: known.details } : {}),
  });
}

function messageOf(known: ImageAgentError, cappedErrors: number): string {
  return known.maxAttempts === undefined ? known.message : `${known.message} (invalid answer ${cappedErrors} of ${known.maxAttempts})`;
}

/** A Retry-After as Temporal's next retry delay; "0" (retry now) leaves it to the retry policy, which refuses a zero delay. */
function retryDelay(ms: number | undefined): number | undefined {
  return ms !== undefined && ms > 0 ? ms : undefined;
}
