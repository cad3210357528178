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
  'Every role runs on the vendor `IMAGE_AGENT_PROVIDERS` names unless `IMAGE_AGENT_<ROLE>_VENDOR` names another (roles: `PLANNER`, `REASONER`, `SUMMARIZER`, `RANKER`, `COMPOSER`, `CHECKLIST`, `CRITIC`, `PROFILER`, `JUDGE`, `IMAGE`, `EMBED`). The vendors and their own settings are listed under Model vendors.',
  {
    IMAGE_AGENT_PROVIDERS: {
      schema: z.enum(['auto', ...VENDOR_NAMES]),
      default: 'auto',
      description: 'The model vendor of every role, or `auto`: `openai` when an OpenAI key or base URL is set, else `offline`.',
    },
    IMAGE_AGENT_MODEL_PLANNER: { schema: text, default: 'gpt-4.1', description: 'The planner’s model (it also composes prompts and writes checklists).' },
    IMAGE_AGENT_MODEL_REASONER: { schema: text, default: 'gpt-4.1', description: 'The reasoner’s model (it also summarises evidence and updates profiles).' },
    IMAGE_AGENT_MODEL_VLM: { schema: text, default: 'gpt-4.1', description: 'The critic’s vision-language model.' },
    IMAGE_AGENT_MODEL_IMAGE: { schema: text, default: 'gpt-image-1', description: 'The image model.' },
    IMAGE_AGENT_MODEL_EMBEDDINGS: { schema: text, default: 'text-embedding-3-small', description: 'The embedding model of memory retrieval.' },
    IMAGE_AGENT_MODEL_JUDGE: { schema: optionalString, defaultText: 'the VLM', description: 'The benchmark judge’s model.' },
    IMAGE_AGENT_IMAGE_SEED: { schema: bool, default: 'false', description: 'Send `seed` to the images API (vLLM-Omni accepts it; OpenAI does not).' },
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
  }),
);
