/** A chat model's JSON answer checked against the role's schema, whatever vendor produced it. */
import type { z } from 'zod';
import { clip } from './chatModel';
import { InvalidModelOutputError } from './modelErrors';

/** Parses a JSON answer, tolerating code fences and prose around the object. */
export function parseStructured<T>(content: string, schema: z.ZodType<T>, purpose: string): T {
  const text = content
    .trim()
    .replace(/^```(?:json)?\s*/i, '')
    .replace(/\s*```$/, '');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    const start = text.indexOf('{');
    const end = text.lastIndexOf('}');
    try {
      parsed = start >= 0 && end > start ? JSON.parse(text.slice(start, end + 1)) : undefined;
    } catch {
      parsed = undefined;
    }
    if (parsed === undefined) throw new InvalidModelOutputError(`${purpose}: the model's answer is not JSON: ${clip(content, 200)}`);
  }
  const result = schema.safeParse(parsed);
  if (!result.success) {
    const issues = result.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new InvalidModelOutputError(`${purpose}: the model's answer does not match the schema (${issues.join('; ')})`);
  }
  return result.data;
}
