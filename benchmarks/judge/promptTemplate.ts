/**
 * A judge prompt template from the user's copy of a benchmark (`--judge-prompt <file>`). Templates are written
 * for Python's str.format: `{field}` is filled in, `{{` and `}}` are literal braces. A template is sent as the
 * official evaluation scripts send theirs: one user message, the filled-in text first and then the image(s),
 * with no system message of ours.
 */
import { createHash } from 'node:crypto';
import { throwIfProblems, type SuiteProblem } from '../suiteFormatError';

/** The fields each kind of judge can fill in. */
export const TEMPLATE_FIELDS = {
  wise: ['prompt', 'explanation'],
  checklist: ['prompt', 'checklist', 'world_knowledge'],
} as const;

export type TemplateKind = keyof typeof TEMPLATE_FIELDS;

export interface JudgePromptTemplate {
  /** The file's base name, as the report shows it. */
  name: string;
  sha256: string;
  text: string;
}

const TOKEN = /\{\{|\}\}|\{([^{}]*)\}|[{}]/g;

/** Checks every placeholder against the fields of `kind`; every problem names the file, line and placeholder. */
export function parseJudgePromptTemplate(file: string, name: string, text: string, kind: TemplateKind): JudgePromptTemplate {
  const allowed: readonly string[] = TEMPLATE_FIELDS[kind];
  const problems: SuiteProblem[] = [];
  for (const match of text.matchAll(TOKEN)) {
    const token = match[0];
    if (token === '{{' || token === '}}') continue;
    const line = text.slice(0, match.index).split('\n').length;
    if (match[1] === undefined) problems.push({ file, line, field: '', message: `a lone "${token}" (write "${token}${token}" for a literal brace)` });
    else if (!allowed.includes(match[1]))
      problems.push({ file, line, field: `{${match[1]}}`, message: `is not a field this judge fills in (${allowed.map((f) => `{${f}}`).join(', ')})` });
  }
  if (text.trim() === '') problems.push({ file, line: 1, field: '', message: 'the template is empty' });
  throwIfProblems(problems);
  return { name, sha256: sha256Of(text), text };
}

export function fillJudgePromptTemplate(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(TOKEN, (token, field: string | undefined) => {
    if (token === '{{') return '{';
    if (token === '}}') return '}';
    if (field === undefined || values[field] === undefined) throw new Error(`judge prompt template: no value for ${token}`);
    return values[field];
  });
}

export function sha256Of(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}
