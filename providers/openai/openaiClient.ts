/** One configured `openai` client per endpoint. The SDK's own retries are off: Temporal retries activities. */
import OpenAI from 'openai';
import type { ModelEndpoint } from '../../common/config';

export function createOpenAIClient(endpoint: ModelEndpoint): OpenAI {
  return new OpenAI({
    baseURL: endpoint.baseURL,
    apiKey: endpoint.apiKey,
    timeout: endpoint.timeoutMs,
    maxRetries: 0,
  });
}
