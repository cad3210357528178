/** One configured `openai` client per endpoint. The SDK's own retries are off: Temporal retries activities. Calls are traced. */
import OpenAI from 'openai';
import { tracedFetch } from '../../telemetry/tracedFetch';

export interface ModelEndpoint {
  /** Unset: OpenAI's own API. */
  baseURL: string | undefined;
  apiKey: string;
  timeoutMs: number;
}

export function createOpenAIClient(endpoint: ModelEndpoint): OpenAI {
  return new OpenAI({
    baseURL: endpoint.baseURL,
    apiKey: endpoint.apiKey,
    timeout: endpoint.timeoutMs,
    maxRetries: 0,
    // Each HTTP call is a span under the calling activity's span.
    fetch: tracedFetch,
  });
}
