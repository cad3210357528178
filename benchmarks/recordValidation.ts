/** Checking located records against a zod schema, and the files they point at, as SuiteProblems. */
import { access } from 'node:fs/promises';
import type { z } from 'zod';
import type { LocatedRecord } from './locatedRecords';
import { fieldPath, issueFields, type SuiteProblem } from './suiteFormatError';

/** The parsed record, or undefined after pushing one problem per invalid field. */
export function validateRecord<S extends z.ZodType>(file: string, record: LocatedRecord, schema: S, problems: SuiteProblem[]): z.output<S> | undefined {
  const parsed = schema.safeParse(record.value);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) {
    for (const { path, message } of issueFields(issue)) {
      const top = path[0];
      problems.push({ file, line: record.lineOf(typeof top === 'string' ? top : ''), field: fieldPath(path), message });
    }
  }
  return undefined;
}

export interface FileReference {
  line: number;
  field: string;
  /** Absolute path the record's relative path resolved to. */
  path: string;
}

/** Referenced images must exist: a missing input image would otherwise fail hours into a run. */
export async function missingFileProblems(file: string, refs: readonly FileReference[]): Promise<SuiteProblem[]> {
  const missing = await Promise.all(
    refs.map(async (ref) => {
      try {
        await access(ref.path);
        return undefined;
      } catch {
        return { file, line: ref.line, field: ref.field, message: `file not found: ${ref.path}` };
      }
    }),
  );
  return missing.filter((p): p is SuiteProblem => p !== undefined);
}
