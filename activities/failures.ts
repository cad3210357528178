/**
 * Maps the errors providers raise (providers/modelErrors.ts, search, the database) onto Temporal's retry
 * semantics, so each activity's retry policy does the right thing: rate limits wait as long as the
 * provider asks, refusals and bad requests fail at once, outages retry. Vendor-neutral: each vendor
 * classifies its own SDK's errors beside its implementation. Applied to every activity by
 * workers/failureInterceptor.ts.
 */
import { ApplicationFailure } from '@temporalio/activity';
import { DatabaseError } from 'pg';
import { FailureType } from '../common/failureTypes';
import { TenantKeyError } from '../common/objectKeys';
import { ContentPolicyRefusal, InvalidModelOutputError, ModelRateLimitedError, ModelRefusalError, ModelRequestRejectedError } from '../providers/modelErrors';
import { SearchApiError } from '../providers/search/searchApi';

/** Invalid answers a model may give in one activity before the run fails with InvalidModelOutput. */
const INVALID_OUTPUT_ATTEMPTS = 3;

/**
 * The typed failure for an error, given how many invalid model answers this activity has had, this one
 * included (only those count: attempts lost to a rate limit or an outage do not); other errors pass
 * through and are retried.
 */
export function toActivityFailure(err: unknown, invalidOutputs: number): unknown {
  if (err instanceof ApplicationFailure) return err;
  if (err instanceof ContentPolicyRefusal) {
    return ApplicationFailure.create({ type: FailureType.ContentPolicyRefusal, message: err.message, nonRetryable: true, details: [{ reason: err.reason }] });
  }
  if (err instanceof InvalidModelOutputError) {
    // The same prompt often yields a valid answer on the next try, but a model that keeps answering badly
    // is not an outage: after a few attempts the run fails typed instead of paying until the window ends.
    return ApplicationFailure.create({
      type: FailureType.InvalidModelOutput,
      message: `${err.message} (invalid answer ${invalidOutputs} of ${INVALID_OUTPUT_ATTEMPTS})`,
      nonRetryable: invalidOutputs >= INVALID_OUTPUT_ATTEMPTS,
    });
  }
  if (err instanceof DatabaseError && err.code?.startsWith('22')) {
    // A data exception (a NUL byte, an invalid encoding): the same row fails the same way on every retry.
    return ApplicationFailure.create({ type: FailureType.InvalidInput, message: `the database refused the data: ${err.message}`, nonRetryable: true });
  }
  if (err instanceof TenantKeyError) {
    // A key outside the run's tenant is refused the same way on every retry.
    return ApplicationFailure.create({ type: FailureType.InvalidInput, message: err.message, nonRetryable: true });
  }
  if (err instanceof ModelRefusalError) {
    return ApplicationFailure.create({ type: FailureType.ModelRefusal, message: err.message, nonRetryable: true });
  }
  if (err instanceof SearchApiError) {
    return ApplicationFailure.create({
      type: err.retryable ? FailureType.RateLimited : FailureType.SearchRequestRejected,
      message: err.message,
      nonRetryable: !err.retryable,
      nextRetryDelay: retryDelay(err.retryAfterMs),
    });
  }
  if (err instanceof ModelRateLimitedError) {
    return ApplicationFailure.create({ type: FailureType.RateLimited, message: err.message, nextRetryDelay: retryDelay(err.retryAfterMs) });
  }
  if (err instanceof ModelRequestRejectedError) {
    return ApplicationFailure.create({ type: FailureType.ModelRequestRejected, message: err.message, nonRetryable: true });
  }
  return err;
}

/** A provider's Retry-After as Temporal's next retry delay; "0" (retry now) leaves it to the retry policy, which refuses a zero delay. */
function retryDelay(ms: number | undefined): number | undefined {
  return ms !== undefined && ms > 0 ? ms : undefined;
}
