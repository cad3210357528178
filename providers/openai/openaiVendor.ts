/**
 * IMAGE_AGENT_PROVIDERS=openai: OpenAI, or any OpenAI-compatible endpoint (vLLM, Ollama, a gateway), for every
 * role: chat and vision on OPENAI_BASE_URL, the images API on IMAGE_AGENT_IMAGE_BASE_URL when set (else the
 * same endpoint), embeddings beside chat. The model of each role comes from IMAGE_AGENT_MODEL_*.
 */
import type { ModelEndpoint } from './openaiClient';
import type { ModelVendor, VendorContext } from '../modelVendor';
import { chatRoles } from '../roles/chatRoles';
import { OpenAIChatModel } from './openaiChatModel';
import { createOpenAIClient } from './openaiClient';
import { OpenAIEmbedder } from './openaiEmbedder';
import { OpenAIImageModel } from './openaiImageModel';

const NAME = 'openai';
const OPENAI_API = 'https://api.openai.com/v1';

const settings = {
  OPENAI_BASE_URL: { kind: 'optional url', description: 'Endpoint for chat, vision, embeddings and the judge; default OpenAI’s.' },
  OPENAI_API_KEY: { kind: 'optional secret', description: 'Its API key (local servers accept any).' },
  IMAGE_AGENT_IMAGE_BASE_URL: { kind: 'optional url', description: 'A separate endpoint for the images API (generate and edit); default the chat endpoint.' },
  IMAGE_AGENT_IMAGE_API_KEY: { kind: 'optional secret', description: 'Its API key; default the chat key.' },
} as const;
type Setting = keyof typeof settings;

function chatEndpoint(ctx: VendorContext<Setting>): ModelEndpoint {
  // Local endpoints (vLLM, Ollama) accept any key; the SDK insists on one.
  return { baseURL: ctx.settings.OPENAI_BASE_URL || undefined, apiKey: ctx.settings.OPENAI_API_KEY || 'not-needed', timeoutMs: ctx.timeoutMs };
}

function imageEndpoint(ctx: VendorContext<Setting>): ModelEndpoint {
  const chat = chatEndpoint(ctx);
  return {
    baseURL: ctx.settings.IMAGE_AGENT_IMAGE_BASE_URL || chat.baseURL,
    apiKey: ctx.settings.IMAGE_AGENT_IMAGE_API_KEY || chat.apiKey,
    timeoutMs: ctx.timeoutMs,
  };
}

export const openaiVendor = {
  name: NAME,
  about: 'OpenAI, or any OpenAI-compatible endpoint (vLLM, Ollama, a gateway), for every role.',
  settings,
  anyOf: ['OPENAI_API_KEY', 'OPENAI_BASE_URL'],
  chat: (ctx) => chatRoles(new OpenAIChatModel(createOpenAIClient(chatEndpoint(ctx)), NAME), ctx.models),
  chatModel: (ctx) => new OpenAIChatModel(createOpenAIClient(chatEndpoint(ctx)), NAME),
  image: (ctx) => new OpenAIImageModel(createOpenAIClient(imageEndpoint(ctx)), ctx.models.image, { sendSeed: ctx.sendSeed, provider: NAME }),
  embed: (ctx) => new OpenAIEmbedder(createOpenAIClient(chatEndpoint(ctx)), ctx.models.embeddings),
  endpoint: (s, kind) => (kind === 'image' ? s.IMAGE_AGENT_IMAGE_BASE_URL || s.OPENAI_BASE_URL : s.OPENAI_BASE_URL) || OPENAI_API,
} as const satisfies ModelVendor<Setting>;
