/** The offline default: the local knowledge corpus for web search, the local image index for image search (LOCAL_CORPUS_DIR, LOCAL_IMAGE_DIR). */
import { LocalCorpusSearch } from './localCorpusSearch';
import { LocalImageSearch } from './localImageSearch';
import type { SearchBackend } from './searchBackend';

/** WEB_SEARCH_BACKEND=local, IMAGE_SEARCH_BACKEND=local */
export const localBackend = {
  name: 'local',
  about: 'The local corpus (`LOCAL_CORPUS_DIR`) and image index (`LOCAL_IMAGE_DIR`): offline, and your own knowledge base.',
  settings: {},
  web: (ctx) => new LocalCorpusSearch(ctx.localCorpusDir),
  image: (ctx) => new LocalImageSearch(ctx.localImageDir),
} as const satisfies SearchBackend<never>;
