/**
 * How a module declares the settings it reads, once: the variable's schema, its default (as the environment
 * would spell it, so the reference shows exactly what is parsed), what it does, and whether it is a secret.
 * config/loadConfig.ts composes every group into one schema; the configuration reference
 * (docs/configuration.md) is generated from the same declarations and checked for drift.
 */
import type { z } from 'zod';

export interface Setting<S extends z.ZodType = z.ZodType> {
  /** Parses the variable's text (undefined when unset and without a default). */
  schema: S;
  /** Applied when the variable is unset, then parsed like any value. */
  default?: string;
  /** How the reference shows a default that is computed, not written (`the VLM's model`). */
  defaultText?: string;
  /** What it does, for the reference: one sentence or two. */
  description: string;
  /**
   * Masked wherever text could leak it (common/redact.ts), and never printed. A function also names the parts of
   * the value that are secrets on their own, when the value is a list or a PEM (each key, each token).
   */
  secret?: true | ((value: string) => string[]);
}

export interface SettingsGroup<T extends Record<string, Setting> = Record<string, Setting>> {
  /** The reference's heading for the group. */
  title: string;
  /** A sentence under the heading. */
  about?: string;
  settings: T;
}
