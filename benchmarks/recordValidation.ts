/** Checking located records against a zod schema, their unique keys, and the files they point at, as SuiteProblems. */
import { access } from 'node:fs/promises';
import path from 'node:path';
import type { z } from 'zod';
import { isInsideDir } from '../providers/search/insideDir';
import type { LocatedRecord } from './locatedRecords';
import { fieldPath, issueFields, type SuiteProblem } from './suiteFormatError';

/** The parsed record, or undefined after pushing one problem per invalid field. */
export function validateRecord<S extends z.ZodType>(file: string, record: LocatedRecord, schema: S, problems: SuiteProblem[]): z.output<S> | undefined {
  const parsed = schema.safeParse(record.value);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) {
    for (const { path: issuePath, message } of issueFields(issue)) {
      const top = issuePath[0];
      problems.push({ file, line: record.lineOf(typeof top === 'string' ? top : ''), field: fieldPath(issuePath), message });
    }
  }
  return undefined;
}

/** The field of one record a check is about. */
type FieldPlace = Pick<SuiteProblem, 'file' | 'line' | 'field'>;

/** What every loader checks beyond the schema, collected into the loader's problem list. */
export class RecordChecks {
  private readonly firstSeen = new Map<string, FieldPlace>();
  private readonly references: Array<FieldPlace & { path: string }> = [];

  constructor(private readonly problems: SuiteProblem[]) {}

  /**
   * True for the first record with `key` (worded for the message, e.g. `id "maze-1"`). A later record is a
   * problem pointing back at the first, and false tells the loader to skip it: the first one stays the case.
   */
  isFirst(key: string, at: FieldPlace): boolean {
    const first = this.firstSeen.get(key);
    if (first === undefined) {
      this.firstSeen.set(key, at);
      return true;
    }
    const where = first.file === at.file ? `on line ${first.line}` : `in ${first.file}:${first.line}`;
    this.problems.push({ ...at, message: `duplicate ${key} (first ${where})` });
    return false;
  }

  /** `relative` resolved against `dir`, remembered for checkFiles. */
  resolveFile(dir: string, relative: string, at: FieldPlace): string {
    const absolute = path.resolve(dir, relative);
    // A name from the input file stays inside its folder: no absolute path, no climbing out with "..".
    if (path.isAbsolute(relative) || relative.includes('\0') || !isInsideDir(path.resolve(dir), absolute)) {
      this.problems.push({ ...at, message: `"${relative.slice(0, 120)}" leaves its folder ${dir} (an absolute path or "..")` });
      return absolute;
    }
    this.references.push({ ...at, path: absolute });
    return absolute;
  }

  /** Referenced images must exist: a missing input image would otherwise fail hours into a run. */
  async checkFiles(): Promise<void> {
    const missing = await Promise.all(
      this.references.map(({ path: file, ...at }) =>
        access(file).then(
          () => undefined,
          () => ({ ...at, message: `file not found: ${file}` }),
        ),
      ),
    );
    this.problems.push(...missing.filter((p): p is SuiteProblem => p !== undefined));
  }
}
