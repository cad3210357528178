/**
 * The chat-model role: one system and one user message (with optional images) in, a plain-text or a
 * schema-checked JSON answer out, each with its call record. The prompts in providers/roles/ speak only this,
 * so any vendor with a chat endpoint serves every chat role by implementing it (providers/openai/ does).
 */
import type { z } from 'zod';
import type { ModelCallRecord } from '../common/modelCall';

export interface ChatRequest<T> {
  purpose: string;
  model: string;
  system: string;
  user: string;
  /** PNG/JPEG bytes sent as image parts (vision). */
  images?: Buffer[];
  schema: z.ZodType<T>;
  schemaName: string;
  temperature?: number;
  signal?: AbortSignal;
}

export type TextRequest = Omit<ChatRequest<unknown>, 'schema' | 'schemaName'>;

export interface ChatModel {
  /** The vendor's name, as its call records carry it. */
  readonly provider: string;
  /** A plain-text answer (judges answer in their benchmark's own format, not a JSON schema). */
  text(req: TextRequest): Promise<{ text: string; refusal?: string; call: ModelCallRecord }>;
  /** An answer that matches `schema`; a refusal or an answer that does not match is thrown (providers/modelErrors.ts). */
  structured<T>(req: ChatRequest<T>): Promise<{ value: T; call: ModelCallRecord }>;
}

const MAX_RECORDED_CHARS = 12_000;

/** Long texts are cut in call records and prompts, with a marker saying how much was left out. */
export function clip(text: string, max = MAX_RECORDED_CHARS): string {
  return text.length <= max ? text : `${text.slice(0, max)}… [${text.length - max} more characters]`;
}
