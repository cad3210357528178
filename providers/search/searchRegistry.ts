/** Builds the configured web- and image-search backends from their descriptions (searchBackendList.ts). */
import { ConfigError, type AppConfig } from '../../common/config';
import type { ImageSearch } from './imageSearch';
import { ownSettings } from '../describedSettings';
import type { SearchBackend, SearchBackendContext } from './searchBackend';
import { SEARCH_BACKENDS } from './searchBackends';
import type { WebSearch } from './webSearch';

export function createWebSearch(config: AppConfig): WebSearch {
  const backend = SEARCH_BACKENDS.find((b) => b.name === config.search.webBackend);
  if (!backend?.web) throw new ConfigError(`unknown web search backend ${config.search.webBackend}`);
  return backend.web(contextFor(config, backend));
}

export function createImageSearch(config: AppConfig): ImageSearch {
  const backend = SEARCH_BACKENDS.find((b) => b.name === config.search.imageBackend);
  if (!backend?.image) throw new ConfigError(`unknown image search backend ${config.search.imageBackend}`);
  return backend.image(contextFor(config, backend));
}

function contextFor(config: AppConfig, backend: SearchBackend): SearchBackendContext<string> {
  return {
    settings: ownSettings(backend.settings, config.search.settings, 'the configured search backend'),
    timeoutMs: config.search.fetch.timeoutMs,
    localCorpusDir: config.search.localCorpusDir,
    localImageDir: config.search.localImageDir,
  };
}
