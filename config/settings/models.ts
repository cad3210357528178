/**
 * Models: which vendor serves each role and the model each role asks for. The vendors' own settings
 * (OPENAI_BASE_URL, IMAGE_SERVER_MODEL…) are declared by the vendors (providers/modelVendorList.ts).
 */
import { z } from 'zod';
import { VENDOR_NAMES } from '../../providers/modelVendors';
import { configSection } from '../configSection';
import { bool, int, optionalString, text } from './schemas';

export const modelSettings = configSection(
  'Models',
  'Every role runs on the vendor `IMAGE_AGENT_PROVIDERS` names unless `IMAGE_AGENT_<ROLE>_VENDOR` names another (roles: `PLANNER`, `REASONER`, `SUMMARIZER`, `RANKER`, `COMPOSER`, `CHECKLIST`, `CRITIC`, `PROFILER`, `JUDGE`, `RESPONDENT`, `IMAGE`, `EMBED`). The vendors and their own settings are listed under Model vendors.',
  {
    IMAGE_AGENT_PROVIDERS: {
      schema: z.enum(['auto', ...VENDOR_NAMES]),
      default: 'auto',
      description: 'The model vendor of every role, or `auto`: `openai` when an OpenAI key or base URL is set, else `offline`.',
    },
    IMAGE_AGENT_MODEL_PLANNER: { schema: text, default: 'gpt-4.1', description: 'The planner’s model (it also composes prompts and writes checklists).' },
    IMAGE_AGENT_MODEL_REASONER: {
      schema: text,
      default: 'gpt-4.1',
      description: 'The reasoner’s model (it also summarises evidence, updates profiles and answers reviewers’ questions).',
    },
    IMAGE_AGENT_MODEL_VLM: { schema: text, default: 'gpt-4.1', description: 'The critic’s vision-language model.' },
    IMAGE_AGENT_MODEL_IMAGE: { schema: text, default: 'gpt-image-1', description: 'The image model.' },
    IMAGE_AGENT_MODEL_EMBEDDINGS: { schema: text, default: 'text-embedding-3-small', description: 'The embedding model of memory retrieval.' },
    IMAGE_AGENT_MODEL_JUDGE: { schema: optionalString, defaultText: 'the VLM', description: 'The benchmark judge’s model.' },
    IMAGE_AGENT_IMAGE_SEED: { schema: bool, default: 'false', description: 'Send `seed` to the images API (vLLM-Omni accepts it; OpenAI does not).' },
    IMAGE_AGENT_FALLBACKS: {
      schema: optionalString,
      defaultText: 'none',
      description:
        'Links that answer, in order, when a role’s own vendor cannot: every chat role and the image role (`IMAGE_AGENT_<ROLE>_FALLBACKS` for one role). A link is a vendor (`image-server`) or a vendor profile (`openai:backup`) whose settings are the vendor’s with the profile appended (`OPENAI_BASE_URL_BACKUP`, `OPENAI_API_KEY_BACKUP`).',
    },
    IMAGE_AGENT_FALLBACK_ATTEMPTS: {
      schema: int(1, 100),
      default: '2',
      description: 'Attempts of a model call on one link (Temporal’s retries) before the next link answers.',
    },
    IMAGE_AGENT_FALLBACK_AFTER_MS: {
      schema: int(1000, Number.MAX_SAFE_INTEGER),
      default: '60000',
      description: 'How long a model call stays on one link, its attempts together, before the next link answers.',
    },
    IMAGE_AGENT_FALLBACK_ON_CONTENT_POLICY: {
      schema: bool,
      default: 'false',
      description: 'Send a prompt that a link refused on content-policy grounds to the next link (off: the refusal fails the call).',
    },
    IMAGE_AGENT_BREAKER_FAILURE_PERCENT: {
      schema: int(1, 100),
      default: '50',
      description: 'A model endpoint’s breaker opens when this share of its calls in the window failed (per worker process)…',
    },
    IMAGE_AGENT_BREAKER_MIN_CALLS: { schema: int(1, 10_000), default: '5', description: '…and at least this many calls were made in the window.' },
    IMAGE_AGENT_BREAKER_WINDOW_MS: { schema: int(1000, Number.MAX_SAFE_INTEGER), default: '60000', description: 'The window the breaker counts calls over.' },
    IMAGE_AGENT_BREAKER_PROBE_MS: {
      schema: int(100, Number.MAX_SAFE_INTEGER),
      default: '5000',
      description: 'While a breaker is open, one call at most this often goes to its endpoint as a probe; a success closes it.',
    },
    IMAGE_AGENT_MODEL_TIMEOUT_MS: {
      schema: int(1000, Number.MAX_SAFE_INTEGER),
      default: '120000',
      description: 'Per model call; Temporal retries, the SDK does not.',
    },
  },
  (s) => ({
    defaultVendor: s.IMAGE_AGENT_PROVIDERS,
    roles: {
      planner: s.IMAGE_AGENT_MODEL_PLANNER,
      reasoner: s.IMAGE_AGENT_MODEL_REASONER,
      vlm: s.IMAGE_AGENT_MODEL_VLM,
      image: s.IMAGE_AGENT_MODEL_IMAGE,
      embeddings: s.IMAGE_AGENT_MODEL_EMBEDDINGS,
      judge: s.IMAGE_AGENT_MODEL_JUDGE ?? s.IMAGE_AGENT_MODEL_VLM,
    },
    timeoutMs: s.IMAGE_AGENT_MODEL_TIMEOUT_MS,
    sendSeed: s.IMAGE_AGENT_IMAGE_SEED,
    fallback: {
      attemptsPerLink: s.IMAGE_AGENT_FALLBACK_ATTEMPTS,
      linkBudgetMs: s.IMAGE_AGENT_FALLBACK_AFTER_MS,
      onContentPolicy: s.IMAGE_AGENT_FALLBACK_ON_CONTENT_POLICY,
    },
    breaker: {
      failureRatio: s.IMAGE_AGENT_BREAKER_FAILURE_PERCENT / 100,
      minCalls: s.IMAGE_AGENT_BREAKER_MIN_CALLS,
      windowMs: s.IMAGE_AGENT_BREAKER_WINDOW_MS,
      probeEveryMs: s.IMAGE_AGENT_BREAKER_PROBE_MS,
    },
  }),
);
