/**
 * Loader for WISE-Verified prompt files: JSON arrays, one file per domain or one merged file. The
 * format is theirs, so unknown keys are tolerated; a prompt_id may appear once across all files.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { parseJsonArray } from '../locatedRecords';
import { RecordChecks, validateRecord } from '../recordValidation';
import { throwIfProblems, type SuiteProblem } from '../suiteFormatError';
import { wiseCategoryOf, wiseImageName, type WiseCategory } from './categories';

const recordSchema = z.looseObject({
  prompt_id: z.int({ error: 'must be an integer' }).min(1, 'must be in 1–1000').max(1000, 'must be in 1–1000'),
  Prompt: z.string().trim().min(1, 'must be a non-empty string'),
  Explanation: z.string().trim().min(1, 'must be a non-empty string'),
  Category: z.string(),
  Subcategory: z.string(),
});

export interface WisePrompt {
  promptId: number;
  prompt: string;
  explanation: string;
  /** From the id range; the file's own Category label is kept in `sourceCategory`. */
  category: WiseCategory;
  sourceCategory: string;
  subcategory: string;
  /** `<prompt_id>.png`. */
  outputImageName: string;
  source: { file: string; line: number };
}

/** Records in file order, then in order within each file. */
export async function loadWiseSuite(files: string | readonly string[]): Promise<WisePrompt[]> {
  const problems: SuiteProblem[] = [];
  const prompts: WisePrompt[] = [];
  const checks = new RecordChecks(problems);
  for (const file of [files].flat()) {
    const parsed = parseJsonArray(file, await readFile(file, 'utf8'));
    problems.push(...parsed.problems);
    for (const record of parsed.records) {
      const raw = validateRecord(file, record, recordSchema, problems);
      if (raw === undefined || !checks.isFirst(`prompt_id ${raw.prompt_id}`, { file, line: record.lineOf('prompt_id'), field: 'prompt_id' })) continue;
      prompts.push({
        promptId: raw.prompt_id,
        prompt: raw.Prompt,
        explanation: raw.Explanation,
        category: wiseCategoryOf(raw.prompt_id),
        sourceCategory: raw.Category,
        subcategory: raw.Subcategory,
        outputImageName: wiseImageName(raw.prompt_id),
        source: { file, line: record.line },
      });
    }
  }
  throwIfProblems(problems);
  return prompts;
}
