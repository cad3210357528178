/**
 * A section of the configuration: the settings one concern reads (common/settings.ts), and how their parsed
 * values become its part of AppConfig. Each variable is named in one file, beside what it becomes.
 */
import type { z } from 'zod';
import type { Setting, SettingsGroup } from '../common/settings';

/** Each setting's parsed value. */
export type Parsed<T extends Record<string, Setting>> = { [K in keyof T]: z.output<T[K]['schema']> };

/** What a section may read besides its own settings: the local stack's folder and ports, which several defaults derive from. */
export interface SectionContext {
  stackDir: string;
  temporalUiPort: number;
}

export interface ConfigSection<T extends Record<string, Setting>, R> extends SettingsGroup<T> {
  read(values: Parsed<T>, context: SectionContext): R;
}

export function configSection<T extends Record<string, Setting>, R>(
  title: string,
  about: string,
  settings: T,
  read: (values: Parsed<T>, context: SectionContext) => R,
): ConfigSection<T, R> {
  return { title, about, settings, read };
}
