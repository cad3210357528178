/**
 * IMAGE_AGENT_IMAGE_VENDOR=image-server: an OpenAI-compatible image server that speaks only
 * POST /v1/images/generations (vLLM-Omni serving Qwen-Image, for example), with its own endpoint, key, model
 * and size, beside chat on another vendor. No chat, no embeddings, no edit endpoint: reference images are not
 * sent (the composed prompt already describes them) and the render says it was generated from the prompt alone.
 */
import type { ModelVendor } from '../modelVendor';
import { createOpenAIClient } from '../openai/openaiClient';
import { OpenAIImageModel } from '../openai/openaiImageModel';

export const imageServerVendor = {
  name: 'image-server',
  about:
    'An image server with only `POST /v1/images/generations` (vLLM-Omni, for example), for the image role alone; reference images are described in the prompt, not sent.',
  settings: {
    IMAGE_SERVER_BASE_URL: { kind: 'url', description: 'The server’s base URL (ending in `/v1`).' },
    // Servers started without --api-key accept any; the SDK insists on one.
    IMAGE_SERVER_API_KEY: { kind: 'optional secret', description: 'Its API key, when it was started with one.' },
    IMAGE_SERVER_MODEL: { kind: 'text', description: 'The model it serves (e.g. `Qwen/Qwen-Image`).' },
    IMAGE_SERVER_SIZE: { kind: 'optional size', description: 'The one size it renders (`1024x1024`); unset, the run’s size is asked for.' },
  },
  image: (ctx) =>
    new OpenAIImageModel(
      createOpenAIClient({ baseURL: ctx.settings.IMAGE_SERVER_BASE_URL, apiKey: ctx.settings.IMAGE_SERVER_API_KEY || 'not-needed', timeoutMs: ctx.timeoutMs }),
      ctx.settings.IMAGE_SERVER_MODEL,
      {
        provider: 'image-server',
        sendSeed: ctx.sendSeed,
        generationsOnly: true,
        ...(ctx.settings.IMAGE_SERVER_SIZE ? { size: ctx.settings.IMAGE_SERVER_SIZE } : {}),
      },
    ),
  endpoint: (s) => s.IMAGE_SERVER_BASE_URL,
} as const satisfies ModelVendor<'IMAGE_SERVER_BASE_URL' | 'IMAGE_SERVER_API_KEY' | 'IMAGE_SERVER_MODEL' | 'IMAGE_SERVER_SIZE'>;
