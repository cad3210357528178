/**
 * Loader for IA-Bench-style JSONL suites (format in benchmarks/README.md). The format is ours, so it
 * is strict: unknown keys are rejected (a misspelt `checklst` must not silently drop a checklist).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { parseJsonLines } from '../locatedRecords';
import { RecordChecks, validateRecord } from '../recordValidation';
import { throwIfProblems } from '../suiteFormatError';
import { CAPABILITIES, SUBTASKS, SUBTASKS_BY_CAPABILITY, capabilityOf, type Capability, type Subtask } from './taxonomy';

const nonEmpty = z.string().trim().min(1, 'must be a non-empty string');
const relativeImagePath = nonEmpty.refine((p) => !path.isAbsolute(p), 'must be a path relative to the suite file');

const turnSchema = z.strictObject({
  prompt: nonEmpty,
  input_images: z.array(relativeImagePath).min(1, 'when present, must list at least one image').optional(),
});

const caseSchema = z
  .strictObject({
    // Ids name output files and report rows, so they stay filename-safe.
    id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'must be letters, digits, ".", "_" or "-"'),
    capability: z.enum(CAPABILITIES, { error: `must be one of ${CAPABILITIES.join(', ')}` }),
    subtask: z.enum(SUBTASKS as [Subtask, ...Subtask[]], { error: `must be one of the 17 subtasks: ${SUBTASKS.join(', ')}` }),
    turns: z.array(turnSchema).min(1, 'must hold at least one turn'),
    checklist: z.array(nonEmpty).min(1, 'must hold at least one yes/no statement'),
    ground_truth: z
      .strictObject({ text: nonEmpty.optional(), image: relativeImagePath.optional() })
      .refine((g) => g.text !== undefined || g.image !== undefined, 'needs text, image or both')
      .optional(),
  })
  .superRefine((c, ctx) => {
    if (!(SUBTASKS_BY_CAPABILITY[c.capability] as readonly string[]).includes(c.subtask)) {
      ctx.addIssue({ code: 'custom', path: ['subtask'], message: `"${c.subtask}" belongs to capability "${capabilityOf(c.subtask)}", not "${c.capability}"` });
    }
    // Only memory is multi-turn in IA-Bench; a multi-turn case elsewhere would test memory under another name.
    if (c.capability === 'memory' && c.turns.length < 2) {
      ctx.addIssue({ code: 'custom', path: ['turns'], message: 'a memory case needs at least 2 turns (only the last is judged)' });
    }
    if (c.capability !== 'memory' && c.turns.length !== 1) {
      ctx.addIssue({ code: 'custom', path: ['turns'], message: `a ${c.capability} case has exactly 1 turn; only memory cases are multi-turn` });
    }
  });

export interface IaBenchTurn {
  prompt: string;
  /** Absolute paths. */
  inputImages: string[];
}

export interface IaBenchCase {
  id: string;
  capability: Capability;
  subtask: Subtask;
  /** In order; the last turn's image is the one judged. */
  turns: IaBenchTurn[];
  checklist: string[];
  groundTruth?: { text?: string; image?: string };
  source: { file: string; line: number };
}

export async function loadIaBenchSuite(file: string): Promise<IaBenchCase[]> {
  const { records, problems } = parseJsonLines(file, await readFile(file, 'utf8'));
  const baseDir = path.dirname(path.resolve(file));
  const cases: IaBenchCase[] = [];
  const checks = new RecordChecks(problems);
  for (const record of records) {
    const raw = validateRecord(file, record, caseSchema, problems);
    if (raw === undefined || !checks.isFirst(`id "${raw.id}"`, { file, line: record.line, field: 'id' })) continue;
    const resolve = (relative: string, field: string): string => checks.resolveFile(baseDir, relative, { file, line: record.line, field });
    cases.push({
      id: raw.id,
      capability: raw.capability,
      subtask: raw.subtask,
      turns: raw.turns.map((t, ti) => ({
        prompt: t.prompt,
        inputImages: (t.input_images ?? []).map((p, pi) => resolve(p, `turns[${ti}].input_images[${pi}]`)),
      })),
      checklist: raw.checklist,
      ...(raw.ground_truth && {
        groundTruth: {
          ...(raw.ground_truth.text !== undefined && { text: raw.ground_truth.text }),
          ...(raw.ground_truth.image !== undefined && { image: resolve(raw.ground_truth.image, 'ground_truth.image') }),
        },
      }),
      source: { file, line: record.line },
    });
  }
  await checks.checkFiles();
  throwIfProblems(problems);
  return cases;
}
