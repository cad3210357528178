/** Builds the configured web- and image-search backends from their descriptions (searchBackendList.ts). */
import { ConfigError, type AppConfig } from '../../common/config';
import type { ImageSearch } from './imageSearch';
import type { SearchBackendContext } from './searchBackend';
import { SEARCH_BACKENDS } from './searchBackends';
import type { WebSearch } from './webSearch';

export function createWebSearch(config: AppConfig): WebSearch {
  const backend = SEARCH_BACKENDS.find((b) => b.name === config.search.webBackend);
  if (!backend?.web) throw new ConfigError(`unknown web search backend ${config.search.webBackend}`);
  return backend.web(contextFor(config, backend.settings));
}

export function createImageSearch(config: AppConfig): ImageSearch {
  const backend = SEARCH_BACKENDS.find((b) => b.name === config.search.imageBackend);
  if (!backend?.image) throw new ConfigError(`unknown image search backend ${config.search.imageBackend}`);
  return backend.image(contextFor(config, backend.settings));
}

/** loadConfig already insists on the settings; this keeps a hand-built config from failing later and vaguely. */
function contextFor(config: AppConfig, wanted: Readonly<Record<string, { kind: string }>>): SearchBackendContext<string> {
  const settings: Record<string, string> = {};
  for (const [variable, { kind }] of Object.entries(wanted)) {
    const value = config.search.settings[variable];
    if (!value && kind === 'optional url') {
      settings[variable] = '';
      continue;
    }
    if (!value) throw new ConfigError(`the configured search backend needs ${variable}`);
    settings[variable] = value;
  }
  return { settings, timeoutMs: config.search.fetch.timeoutMs, localCorpusDir: config.search.localCorpusDir, localImageDir: config.search.localImageDir };
}
