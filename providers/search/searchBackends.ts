/**
 * Every search backend image-agent knows (searchBackendList.ts). Configuration's choices for
 * WEB_SEARCH_BACKEND and IMAGE_SEARCH_BACKEND and the settings each choice requires come from here.
 */
import { isOptionalKind, type DescribedSettingKind } from '../describedSettings';
import type { SearchBackend } from './searchBackend';
import * as listed from './searchBackendList';

type Backend = (typeof listed)[keyof typeof listed];
export type WebBackendName = Extract<Backend, { web: unknown }>['name'];
export type ImageBackendName = Extract<Backend, { image: unknown }>['name'];

export const SEARCH_BACKENDS: readonly SearchBackend[] = Object.values(listed);

function namesOf<N extends string>(kind: 'web' | 'image'): [N, ...N[]] {
  return SEARCH_BACKENDS.filter((b) => kind in b).map((b) => b.name) as [N, ...N[]];
}

/** The choices of WEB_SEARCH_BACKEND and IMAGE_SEARCH_BACKEND. */
export const WEB_BACKEND_NAMES = namesOf<WebBackendName>('web');
export const IMAGE_BACKEND_NAMES = namesOf<ImageBackendName>('image');

/** The settings a backend needs (variable name → kind), for the configured web and image backends. */
export function requiredSettings(web: string, image: string): Record<string, DescribedSettingKind> {
  const chosen = SEARCH_BACKENDS.filter((b) => b.name === web || b.name === image).flatMap((b) => Object.entries(b.settings));
  return Object.fromEntries(chosen.filter(([, s]) => !isOptionalKind(s.kind)).map(([variable, s]) => [variable, s.kind]));
}

/** Every setting any backend reads, for validation and for redacted printing. */
export function allSettings(): Record<string, DescribedSettingKind> {
  return Object.fromEntries(SEARCH_BACKENDS.flatMap((b) => Object.entries(b.settings).map(([variable, s]) => [variable, s.kind])));
}
