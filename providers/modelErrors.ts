/**
 * The errors every model vendor's implementation speaks, whatever its SDK throws: each vendor classifies
 * its own errors into these (providers/openai/openaiErrors.ts). Each says how it fails (common/imageAgentError.ts),
 * which activities/failures.ts turns into Temporal failures. A new vendor adds a classifier next to its
 * implementation, nothing outside it.
 */
import { FailureType } from '../common/failureTypes';
import { ImageAgentError } from '../common/imageAgentError';

/** Invalid answers a model may give in one activity before the run fails with InvalidModelOutput. */
const INVALID_OUTPUT_ATTEMPTS = 3;

/**
 * The model answered, but not in the promised shape. The same prompt often yields a valid answer on the next
 * try, but a model that keeps answering badly is not an outage: after a few attempts the run fails typed
 * instead of paying until the window ends.
 */
export class InvalidModelOutputError extends ImageAgentError {
  override name = 'InvalidModelOutputError';
  constructor(message: string) {
    super(message, {
      failureType: FailureType.InvalidModelOutput,
      retryable: true,
      maxAttempts: INVALID_OUTPUT_ATTEMPTS,
      httpStatus: 502,
      dependency: 'model',
    });
  }
}

/** The model declined to answer. */
export class ModelRefusalError extends ImageAgentError {
  override name = 'ModelRefusalError';
  constructor(message: string) {
    super(message, { failureType: FailureType.ModelRefusal, retryable: false, httpStatus: 422, dependency: 'model' });
  }
}

/** The provider declined the prompt on content-policy grounds; retrying the same prompt will not help. */
export class ContentPolicyRefusal extends ImageAgentError {
  override name = 'ContentPolicyRefusal';
  constructor(readonly reason: string) {
    super(`the image model refused the prompt: ${reason}`, {
      failureType: FailureType.ContentPolicyRefusal,
      retryable: false,
      httpStatus: 422,
      dependency: 'model',
      details: [{ reason }],
    });
  }
}

/** The vendor asked to slow down; `retryAfterMs` is how long it asked for, when it said. */
export class ModelRateLimitedError extends ImageAgentError {
  override name = 'ModelRateLimitedError';
  constructor(message: string, retryAfterMs?: number) {
    super(message, { failureType: FailureType.RateLimited, retryable: true, httpStatus: 503, retryAfterMs, dependency: 'model' });
  }
}

/** The vendor refused the request itself (bad key, unknown model, invalid parameters): it fails the same way every time. */
export class ModelRequestRejectedError extends ImageAgentError {
  override name = 'ModelRequestRejectedError';
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message, { failureType: FailureType.ModelRequestRejected, retryable: false, httpStatus: 502, dependency: 'model' });
  }
}
