/**
 * A list of requests for `image-agent batch`: JSON Lines (one object per line) or CSV with a header row.
 * Fields: `request` (required), `id`, `size`, `seed`, `images` (paths relative to the file; in CSV separated
 * by `;`). A malformed file is rejected with the file, line and field that are wrong.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { z } from 'zod';
import { parseJsonLines, type LocatedRecord } from '../locatedRecords';
import { RecordChecks, validateRecord } from '../recordValidation';
import { throwIfProblems, type SuiteProblem } from '../suiteFormatError';

const requestSchema = z.strictObject({
  id: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'must be letters, digits, ".", "_" or "-" (it names output files)')
    .optional(),
  request: z.string().trim().min(1, 'must be a non-empty request').max(8000, 'is longer than 8000 characters'),
  size: z
    .string()
    .regex(/^\d{2,5}x\d{2,5}$/, 'must look like 1024x1024')
    .optional(),
  seed: z.coerce.number().int().min(0).optional(),
  images: z.array(z.string().min(1)).optional(),
});

export interface RequestItem {
  id: string;
  request: string;
  size?: string;
  seed?: number;
  /** Absolute paths. */
  images: string[];
  source: { file: string; line: number };
}

function csvRecords(file: string, text: string): { records: LocatedRecord[]; problems: SuiteProblem[] } {
  try {
    const rows = parseCsv(text, { columns: true, skip_empty_lines: true, trim: true, bom: true, info: true }) as {
      record: Record<string, string>;
      info: { lines: number };
    }[];
    return {
      records: rows.map(({ record, info }) => {
        const value: Record<string, unknown> = Object.fromEntries(Object.entries(record).filter(([, v]) => v !== ''));
        if (typeof value.images === 'string')
          value.images = value.images
            .split(';')
            .map((s) => s.trim())
            .filter(Boolean);
        return { line: info.lines, value, lineOf: () => info.lines };
      }),
      problems: [],
    };
  } catch (err) {
    const e = err as { lines?: number; message: string };
    return { records: [], problems: [{ file, line: e.lines ?? 1, field: '', message: `not valid CSV (${e.message})` }] };
  }
}

export async function loadRequestList(file: string): Promise<RequestItem[]> {
  const text = await readFile(file, 'utf8');
  const { records, problems } = /\.csv$/i.test(file) ? csvRecords(file, text) : parseJsonLines(file, text);
  const items: RequestItem[] = [];
  const checks = new RecordChecks(problems);
  for (const [n, record] of records.entries()) {
    const r = validateRecord(file, record, requestSchema, problems);
    if (!r) continue;
    const id = r.id ?? `r${String(n + 1).padStart(5, '0')}`;
    // The id names the case's output files: a second request under it would overwrite the first's.
    if (!checks.isFirst(`id "${id}"`, { file, line: record.line, field: 'id' })) continue;
    const images = (r.images ?? []).map((p, i) => checks.resolveFile(path.dirname(file), p, { file, line: record.line, field: `images[${i}]` }));
    items.push({
      id,
      request: r.request,
      ...(r.size ? { size: r.size } : {}),
      ...(r.seed !== undefined ? { seed: r.seed } : {}),
      images,
      source: { file, line: record.line },
    });
  }
  if (!records.length && !problems.length) problems.push({ file, line: 1, field: '', message: 'the file holds no requests' });
  await checks.checkFiles();
  throwIfProblems(problems);
  return items;
}
