/**
 * Maps provider errors onto Temporal's retry semantics, so each activity's retry policy does the right thing:
 * rate limits wait as long as the provider asks, refusals and bad requests fail at once, outages retry.
 */
import { ApplicationFailure, Context } from '@temporalio/activity';
import { DatabaseError } from 'pg';
import OpenAI from 'openai';
import { FailureType } from '../common/failureTypes';
import { ContentPolicyRefusal } from '../providers/imageModel';
import { InvalidModelOutputError, ModelRefusalError } from '../providers/openai/chatModel';
import { SearchApiError } from '../providers/search/searchApi';

/** Attempts a model gets to give a valid answer before the run fails with InvalidModelOutput. */
export const INVALID_OUTPUT_ATTEMPTS = 3;

export function toActivityFailure(err: unknown): unknown {
  if (err instanceof ApplicationFailure) return err;
  if (err instanceof ContentPolicyRefusal) {
    return ApplicationFailure.create({ type: FailureType.ContentPolicyRefusal, message: err.message, nonRetryable: true, details: [{ reason: err.reason }] });
  }
  if (err instanceof InvalidModelOutputError) {
    // The same prompt often yields a valid answer on the next try, but a model that keeps answering badly
    // is not an outage: after a few attempts the run fails typed instead of paying until the window ends.
    const attempt = Context.current().info.attempt;
    return ApplicationFailure.create({ type: FailureType.InvalidModelOutput, message: `${err.message} (attempt ${attempt} of ${INVALID_OUTPUT_ATTEMPTS})`, nonRetryable: attempt >= INVALID_OUTPUT_ATTEMPTS });
  }
  if (err instanceof DatabaseError && err.code?.startsWith('22')) {
    // A data exception (a NUL byte, an invalid encoding): the same row fails the same way on every retry.
    return ApplicationFailure.create({ type: FailureType.InvalidInput, message: `the database refused the data: ${err.message}`, nonRetryable: true });
  }
  if (err instanceof ModelRefusalError) {
    return ApplicationFailure.create({ type: FailureType.ModelRefusal, message: err.message, nonRetryable: true });
  }
  if (err instanceof SearchApiError) {
    return ApplicationFailure.create({
      type: err.retryable ? FailureType.RateLimited : FailureType.SearchRequestRejected,
      message: err.message,
      nonRetryable: !err.retryable,
      nextRetryDelay: err.retryAfterMs,
    });
  }
  if (err instanceof OpenAI.RateLimitError) {
    return ApplicationFailure.create({
      type: FailureType.RateLimited,
      message: `model endpoint rate-limited the request: ${err.message}`,
      nextRetryDelay: retryAfterMs(err.headers) ?? undefined,
    });
  }
  if (err instanceof OpenAI.APIError && err.status !== undefined && err.status >= 400 && err.status < 500 && err.status !== 408 && err.status !== 409) {
    // 400/401/403/404/422: the same request will fail the same way (bad key, unknown model, invalid parameters).
    return ApplicationFailure.create({ type: FailureType.ModelRequestRejected, message: `model endpoint rejected the request (HTTP ${err.status}): ${err.message}`, nonRetryable: true });
  }
  return err;
}

function retryAfterMs(headers: Headers | undefined): number | undefined {
  const ms = headers?.get('retry-after-ms');
  if (ms && Number.isFinite(Number(ms))) return Number(ms);
  const value = headers?.get('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
