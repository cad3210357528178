/**
 * The errors every model vendor's implementation speaks, whatever its SDK throws: each vendor classifies
 * its own errors into these (providers/openai/openaiErrors.ts), and activities/failures.ts maps these
 * onto Temporal failures. A new vendor adds a classifier next to its implementation, nothing outside it.
 */

/** The model answered, but not in the promised shape; a retry may do better. */
export class InvalidModelOutputError extends Error {
  override name = 'InvalidModelOutputError';
}

/** The model declined to answer. */
export class ModelRefusalError extends Error {
  override name = 'ModelRefusalError';
}

/** The provider declined the prompt on content-policy grounds; retrying the same prompt will not help. */
export class ContentPolicyRefusal extends Error {
  override name = 'ContentPolicyRefusal';
  constructor(readonly reason: string) {
    super(`the image model refused the prompt: ${reason}`);
  }
}

/** The vendor asked to slow down; `retryAfterMs` is how long it asked for, when it said. */
export class ModelRateLimitedError extends Error {
  override name = 'ModelRateLimitedError';
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** The vendor refused the request itself (bad key, unknown model, invalid parameters): it fails the same way every time. */
export class ModelRequestRejectedError extends Error {
  override name = 'ModelRequestRejectedError';
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}
