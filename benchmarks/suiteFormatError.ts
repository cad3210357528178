/**
 * Why a benchmark file was rejected: every problem names the file, the line and the field, so a
 * malformed suite is fixed from the message alone instead of by bisecting a 1,000-line file.
 */
import type { z } from 'zod';

export interface SuiteProblem {
  file: string;
  /** 1-based line of the offending field (or of its record when the field is missing). */
  line: number;
  /** Dotted path inside the record, e.g. `turns[1].input_images[0]`; empty for a whole-record problem. */
  field: string;
  message: string;
}

/** Only this many problems are spelled out; the count of the rest is still given. */
const SHOWN_PROBLEMS = 20;

function describeProblem(p: SuiteProblem): string {
  return p.field === '' ? `${p.file}:${p.line}: ${p.message}` : `${p.file}:${p.line}: field "${p.field}": ${p.message}`;
}

export class SuiteFormatError extends Error {
  override readonly name = 'SuiteFormatError';
  constructor(readonly problems: readonly SuiteProblem[]) {
    const shown = problems.slice(0, SHOWN_PROBLEMS).map(describeProblem);
    const more = problems.length > SHOWN_PROBLEMS ? [`… and ${problems.length - SHOWN_PROBLEMS} more problems`] : [];
    super([`${problems.length} problem(s) in benchmark input:`, ...shown, ...more].join('\n'));
  }
}

/** `['turns', 1, 'prompt']` → `turns[1].prompt`. */
export function fieldPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => {
    if (typeof key === 'number') return `${out}[${key}]`;
    return out === '' ? String(key) : `${out}.${String(key)}`;
  }, '');
}

/** One zod issue as (field, message) pairs; an unknown-keys issue names each key as its field. */
export function issueFields(issue: z.core.$ZodIssue): Array<{ path: PropertyKey[]; message: string }> {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({ path: [...issue.path, key], message: 'is not a field of this format (misspelt?)' }));
  }
  // zod words a missing field as a type error against undefined; say what it means.
  const message = /received undefined$/.test(issue.message) ? 'is required but missing' : issue.message;
  return [{ path: [...issue.path], message }];
}

/** Throws when any problem was found: loaders collect every problem first, then fail once, in file and line order. */
export function throwIfProblems(problems: readonly SuiteProblem[]): void {
  if (problems.length === 0) return;
  const fileOrder = [...new Set(problems.map((p) => p.file))];
  const ordered = [...problems].sort((a, b) => fileOrder.indexOf(a.file) - fileOrder.indexOf(b.file) || a.line - b.line);
  throw new SuiteFormatError(ordered);
}
