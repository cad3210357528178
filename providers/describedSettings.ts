/**
 * The settings a model vendor or a search backend declares in its description (providers/modelVendor.ts,
 * providers/search/searchBackend.ts): one kind vocabulary, read and validated from the environment by
 * loadConfig, and handed to the description's factories, in one place for both.
 */
import { ConfigError } from '../common/config';

/**
 * How a setting is validated and shown: a URL must parse, a size looks like 1024x1024, a secret is never
 * printed. An optional setting may be left unset (its factory then sees an empty string).
 */
export type DescribedSettingKind = 'url' | 'secret' | 'text' | 'optional url' | 'optional secret' | 'optional text' | 'optional size';

export interface DescribedSetting {
  kind: DescribedSettingKind;
  /** What it does, for the configuration reference. */
  description: string;
}

export const isSecretKind = (kind: DescribedSettingKind): boolean => kind.endsWith('secret');
export const isOptionalKind = (kind: DescribedSettingKind): boolean => kind.startsWith('optional');

/** Each setting's value from the environment (trimmed; blank is unset), validated by its kind; the first bad one is named. */
export function readDescribedSettings(env: NodeJS.ProcessEnv, kinds: Record<string, DescribedSettingKind>): Record<string, string | undefined> {
  const values: Record<string, string | undefined> = {};
  for (const [variable, kind] of Object.entries(kinds)) {
    const value = env[variable]?.trim() || undefined;
    if (value !== undefined && kind.endsWith('url') && !URL.canParse(value))
      throw new ConfigError(`invalid configuration: ${variable}: not a URL (see docs/configuration.md)`);
    if (value !== undefined && kind.endsWith('size') && !/^\d{2,5}x\d{2,5}$/.test(value))
      throw new ConfigError(`invalid configuration: ${variable}: a size looks like 1024x1024 (see docs/configuration.md)`);
    values[variable] = value;
  }
  return values;
}

/**
 * The values one description's settings have, for its factories: '' for an unset optional one, and a missing
 * required one named (`who needs X`). loadConfig already insists; this keeps a hand-built config from failing
 * later and vaguely.
 */
export function ownSettings(
  settings: Readonly<Record<string, DescribedSetting>>,
  values: Record<string, string | undefined>,
  who: string,
): Record<string, string> {
  const own: Record<string, string> = {};
  for (const [variable, { kind }] of Object.entries(settings)) {
    const value = values[variable];
    if (!value && !isOptionalKind(kind)) throw new ConfigError(`${who} needs ${variable}`);
    own[variable] = value ?? '';
  }
  return own;
}
