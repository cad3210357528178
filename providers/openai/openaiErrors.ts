/**
 * The `openai` SDK's errors in the vendor-neutral terms of providers/modelErrors.ts: rate limits keep the
 * endpoint's Retry-After, a 4xx that a retry cannot fix is a rejected request, a 400 from the images API's
 * safety system is a content-policy refusal. Anything else (5xx, timeouts, network) passes through and is retried.
 */
import OpenAI from 'openai';
import { ContentPolicyRefusal, ModelRateLimitedError, ModelRequestRejectedError } from '../modelErrors';
import { retryAfterMs } from '../retryAfter';

function classifyOpenAIError(err: unknown): unknown {
  if (err instanceof OpenAI.RateLimitError)
    return new ModelRateLimitedError(`model endpoint rate-limited the request: ${err.message}`, retryAfterMs(err.headers));
  if (!(err instanceof OpenAI.APIError) || err.status === undefined) return err;
  if (err.status >= 400 && err.status < 500 && err.status !== 408 && err.status !== 409) {
    // 400/401/403/404/422: the same request will fail the same way (bad key, unknown model, invalid parameters).
    return new ModelRequestRejectedError(`model endpoint rejected the request (HTTP ${err.status}): ${err.message}`, err.status);
  }
  return err;
}

/** The images API's errors: its safety system's 400 is a refusal of the prompt, the rest as above. */
export function classifyOpenAIImageError(err: unknown): unknown {
  return asContentPolicyRefusal(err) ?? classifyOpenAIError(err);
}

/** Runs one SDK call and rethrows its error classified. */
export async function classified<T>(call: () => Promise<T>, classify: (err: unknown) => unknown = classifyOpenAIError): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw classify(err);
  }
}

function asContentPolicyRefusal(err: unknown): ContentPolicyRefusal | undefined {
  if (!(err instanceof OpenAI.APIError) || err.status !== 400) return undefined;
  const code = `${err.code ?? ''} ${(err.error as { type?: string } | undefined)?.type ?? ''}`;
  if (/content_policy|moderation_blocked|safety|image_generation_user_error/i.test(code) || /safety system|content policy/i.test(err.message)) {
    return new ContentPolicyRefusal(err.message.replace(/^400\s*/, ''));
  }
  return undefined;
}
