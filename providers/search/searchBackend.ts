/**
 * A search backend, described once: its name, the settings (environment variables) it needs, and the
 * web and/or image search it provides. Configuration derives its choices and required settings from these
 * descriptions (searchBackends.ts lists them), and the registry builds the configured ones.
 */
import type { ImageSearch } from './imageSearch';
import type { WebSearch } from './webSearch';

/**
 * How a setting is validated and shown: a URL must parse; a secret is never printed. An optional URL may be
 * left unset (its factory then sees an empty string and uses the backend's public endpoint).
 */
export type SettingKind = 'url' | 'secret' | 'optional url';

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
  readonly settings: Readonly<Record<K, { kind: SettingKind; description: string }>>;
  /** What the backend is, for the configuration reference. */
  readonly about: string;
  // Methods, not function properties: a backend that reads only its own settings is still a SearchBackend<string>.
  web?(ctx: SearchBackendContext<K>): WebSearch;
  image?(ctx: SearchBackendContext<K>): ImageSearch;
}
