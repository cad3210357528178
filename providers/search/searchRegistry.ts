/** Picks the web- and image-search backends from configuration; the local ones are the offline default. */
import { ConfigError, type AppConfig } from '../../common/config';
import { BraveImageSearch, BraveWebSearch } from './braveSearch';
import type { ImageSearch } from './imageSearch';
import { LocalCorpusSearch } from './localCorpusSearch';
import { LocalImageSearch } from './localImageSearch';
import { SearxngImageSearch, SearxngWebSearch } from './searxngSearch';
import { TavilySearch } from './tavilySearch';
import type { WebSearch } from './webSearch';

export function createWebSearch(config: AppConfig): WebSearch {
  const search = config.search;
  const timeoutMs = search.fetch.timeoutMs;
  switch (search.webBackend) {
    case 'local':
      return new LocalCorpusSearch(search.localCorpusDir);
    case 'searxng':
      return new SearxngWebSearch({ baseUrl: required(search.searxngUrl, 'SEARXNG_URL'), timeoutMs });
    case 'tavily':
      return new TavilySearch({ apiKey: required(search.tavilyApiKey, 'TAVILY_API_KEY'), timeoutMs });
    case 'brave':
      return new BraveWebSearch({ apiKey: required(search.braveApiKey, 'BRAVE_API_KEY'), timeoutMs });
  }
}

export function createImageSearch(config: AppConfig): ImageSearch {
  const search = config.search;
  const timeoutMs = search.fetch.timeoutMs;
  switch (search.imageBackend) {
    case 'local':
      return new LocalImageSearch(search.localImageDir);
    case 'searxng':
      return new SearxngImageSearch({ baseUrl: required(search.searxngUrl, 'SEARXNG_URL'), timeoutMs });
    case 'brave':
      return new BraveImageSearch({ apiKey: required(search.braveApiKey, 'BRAVE_API_KEY'), timeoutMs });
  }
}

/** loadConfig already insists on these; this keeps a hand-built config from failing later and vaguely. */
function required(value: string | undefined, variable: string): string {
  if (!value) throw new ConfigError(`the configured search backend needs ${variable}`);
  return value;
}
