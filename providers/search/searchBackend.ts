/**
 * A search backend, described once: its name, the settings (environment variables) it needs, and the
 * web and/or image search it provides. Configuration derives its choices and required settings from these
 * descriptions (searchBackends.ts lists them), and the registry builds the configured ones.
 */
import type { DescribedSetting } from '../describedSettings';
import type { ImageSearch } from './imageSearch';
import type { WebSearch } from './webSearch';

/** What a backend's factories get: its own settings (all required ones present), and the settings every backend shares. */
export interface SearchBackendContext<K extends string> {
  settings: Record<K, string>;
  timeoutMs: number;
  localCorpusDir: string;
  localImageDir: string;
}

export interface SearchBackend<K extends string = string> {
  readonly name: string;
  /** Each setting's kind and what it does (the configuration reference prints it). */
  readonly settings: Readonly<Record<K, DescribedSetting>>;
  /** What the backend is, for the configuration reference. */
  readonly about: string;
  // Methods, not function properties: a backend that reads only its own settings is still a SearchBackend<string>.
  web?(ctx: SearchBackendContext<K>): WebSearch;
  image?(ctx: SearchBackendContext<K>): ImageSearch;
}
