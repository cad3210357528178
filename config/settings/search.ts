/**
 * Grounding: the search backends, the local corpus, the relevance gate and page fetching. The backends' own
 * settings (SEARXNG_URL, TAVILY_API_KEY…) are declared by the backends (providers/search/searchBackendList.ts).
 */
import path from 'node:path';
import { z } from 'zod';
import { projectRoot } from '../../common/paths';
import { IMAGE_BACKEND_NAMES, WEB_BACKEND_NAMES } from '../../providers/search/searchBackends';
import { configSection } from '../configSection';
import { hostList, int, text } from './schemas';

export const searchSettings = configSection(
  'Grounding: search and fetching',
  'Where web and image questions are answered, how relevant an answer must be to be used, and the limits on fetching pages and images. The backends and their own settings are listed under Search backends.',
  {
    WEB_SEARCH_BACKEND: {
      schema: z.enum(WEB_BACKEND_NAMES),
      default: 'local',
      description: 'The web search backend; `local` searches the corpus in `LOCAL_CORPUS_DIR`.',
    },
    IMAGE_SEARCH_BACKEND: {
      schema: z.enum(IMAGE_BACKEND_NAMES),
      default: 'local',
      description: 'The image search backend; `local` searches the index in `LOCAL_IMAGE_DIR`.',
    },
    LOCAL_CORPUS_DIR: {
      schema: text,
      default: 'knowledge/corpus',
      description: 'Markdown/JSON documents: the offline search, or your company’s knowledge base.',
    },
    LOCAL_IMAGE_DIR: { schema: text, default: 'knowledge/images', description: 'An image index for the local image search.' },
    SEARCH_MAX_RESULTS: { schema: int(1, 5), default: '5', description: 'Results per search (at most 5).' },
    IMAGE_AGENT_RELEVANCE_THRESHOLD: {
      schema: z.coerce.number().min(0).max(1),
      default: '0.5',
      description:
        'Share of a question’s key terms (names and dates weigh twice) a search result, memory item or earlier turn must hold to be used; recorded with each answer.',
    },
    IMAGE_AGENT_RELEVANCE_MIN_SIMILARITY: {
      schema: z.coerce.number().min(0).max(1),
      default: '0.8',
      description: 'Cosine similarity that also admits an item, where an embedding model exists.',
    },
    WEB_FETCH_TIMEOUT_MS: { schema: int(500, 120_000), default: '10000', description: 'Per page or image fetch.' },
    WEB_FETCH_MAX_BYTES: { schema: int(1024, 50 * 1024 * 1024), default: String(5 * 1024 * 1024), description: 'The largest page or image fetched.' },
    WEB_FETCH_ALLOW_HOSTS: {
      schema: hostList,
      description:
        'Hosts exempt from the private-address block: `host:port` exempts that port, a bare `host` only its default port (80/443); a redirect from a public host into an allowlisted one is refused.',
    },
  },
  (s) => ({
    webBackend: s.WEB_SEARCH_BACKEND,
    imageBackend: s.IMAGE_SEARCH_BACKEND,
    localCorpusDir: path.resolve(projectRoot, s.LOCAL_CORPUS_DIR),
    localImageDir: path.resolve(projectRoot, s.LOCAL_IMAGE_DIR),
    maxResults: s.SEARCH_MAX_RESULTS,
    relevance: { threshold: s.IMAGE_AGENT_RELEVANCE_THRESHOLD, minSimilarity: s.IMAGE_AGENT_RELEVANCE_MIN_SIMILARITY },
    fetch: { timeoutMs: s.WEB_FETCH_TIMEOUT_MS, maxBytes: s.WEB_FETCH_MAX_BYTES, allowHosts: s.WEB_FETCH_ALLOW_HOSTS },
  }),
);
