/**
 * Loader for MindBench metadata JSONL (the Mind-Brush release). The format is theirs, so unknown
 * keys are tolerated; the fields we use are checked.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { parseJsonLines } from '../locatedRecords';
import { RecordChecks, validateRecord } from '../recordValidation';
import { throwIfProblems } from '../suiteFormatError';
import { mindBenchCategoryOf, mindBenchImageName } from './naming';

const nonEmpty = z.string().trim().min(1, 'must be a non-empty string');
const relativePath = nonEmpty.refine((p) => !path.isAbsolute(p), 'must be a path relative to its image folder');

const recordSchema = z
  .looseObject({
    Type: z.string().regex(/^\d+_\S/, 'must start with the category number and "_", e.g. "1_SpecialEvent"'),
    // IDs become part of an image file name.
    ID: z.union([z.int().nonnegative(), z.string().regex(/^[A-Za-z0-9][A-Za-z0-9.-]*$/)], {
      error: 'must be a non-negative integer or a string of letters, digits, "." or "-"',
    }),
    Generation_Type: z.enum(['T2I', 'I2I'], { error: 'must be "T2I" or "I2I"' }),
    Image_Name: z.string().optional(),
    Prompt: nonEmpty,
    World_Knowledge: z.union([
      z.string(),
      z
        .looseObject({ text: z.string().optional(), image: z.union([relativePath, z.array(relativePath)]).optional() })
        .refine((w) => w.text !== undefined || w.image !== undefined, 'an object needs "text", "image" or both'),
    ]),
    Checklist: z.array(nonEmpty).min(1, 'must hold at least one yes/no statement'),
  })
  .superRefine((r, ctx) => {
    if (r.Generation_Type === 'I2I' && (r.Image_Name === undefined || r.Image_Name.trim() === '')) {
      ctx.addIssue({ code: 'custom', path: ['Image_Name'], message: 'an I2I case needs Image_Name, its input image' });
    }
  });

export interface MindBenchCase {
  /** As in the file, e.g. `1_SpecialEvent`. */
  type: string;
  /** The number before the first `_` of Type. */
  category: number;
  /** As in the file (kept as given, so results join back to the official data). */
  id: string | number;
  generationType: 'T2I' | 'I2I';
  /** Absolute path of the I2I input image. */
  inputImage?: string;
  prompt: string;
  /** Every World_Knowledge image, in order; the official evaluator sends only the first (`judgeReferenceImages`). */
  worldKnowledge: { text?: string; images: string[] };
  checklist: string[];
  /** `<TypePrefix>_<ID>.png`, unique within a suite. */
  outputImageName: string;
  source: { file: string; line: number };
}

export interface MindBenchFolders {
  /** Where I2I input images (Image_Name) live; defaults to the metadata file's folder. */
  inputImageDir?: string;
  /** Root that World_Knowledge image paths are relative to; defaults to the metadata file's folder. */
  referenceImageDir?: string;
}

export async function loadMindBenchSuite(metadataFile: string, folders: MindBenchFolders = {}): Promise<MindBenchCase[]> {
  const { records, problems } = parseJsonLines(metadataFile, await readFile(metadataFile, 'utf8'));
  const metadataDir = path.dirname(path.resolve(metadataFile));
  const inputDir = path.resolve(folders.inputImageDir ?? metadataDir);
  const referenceDir = path.resolve(folders.referenceImageDir ?? metadataDir);
  const cases: MindBenchCase[] = [];
  const checks = new RecordChecks(problems);
  for (const record of records) {
    const raw = validateRecord(metadataFile, record, recordSchema, problems);
    if (raw === undefined) continue;
    const outputImageName = mindBenchImageName(raw.Type, raw.ID);
    // Two cases with one output name would overwrite each other's image.
    if (!checks.isFirst(`case ${outputImageName}`, { file: metadataFile, line: record.line, field: 'ID' })) continue;
    const reference = (dir: string, relative: string, field: string): string =>
      checks.resolveFile(dir, relative, { file: metadataFile, line: record.line, field });
    // As the official evaluator reads it: a string ending in an image extension is an image path, not text.
    const knowledge =
      typeof raw.World_Knowledge !== 'string'
        ? raw.World_Knowledge
        : isImagePath(raw.World_Knowledge)
          ? { image: raw.World_Knowledge.trim() }
          : { text: raw.World_Knowledge };
    const knowledgeImages = Array.isArray(knowledge.image)
      ? knowledge.image.map((p, i) => reference(referenceDir, p, `World_Knowledge.image[${i}]`))
      : knowledge.image === undefined
        ? []
        : [reference(referenceDir, knowledge.image, 'World_Knowledge.image')];
    cases.push({
      type: raw.Type,
      category: mindBenchCategoryOf(raw.Type),
      id: raw.ID,
      generationType: raw.Generation_Type,
      ...(raw.Generation_Type === 'I2I' && { inputImage: reference(inputDir, raw.Image_Name!, 'Image_Name') }),
      prompt: raw.Prompt,
      worldKnowledge: { ...(knowledge.text !== undefined && { text: knowledge.text }), images: knowledgeImages },
      checklist: raw.Checklist,
      outputImageName,
      source: { file: metadataFile, line: record.line },
    });
  }
  await checks.checkFiles();
  throwIfProblems(problems);
  return cases;
}

const IMAGE_EXTENSIONS = /\.(?:png|jpe?g|webp|gif|bmp)$/i;

function isImagePath(text: string): boolean {
  return IMAGE_EXTENSIONS.test(text.trim());
}

/**
 * The World_Knowledge images the judge is shown: the official evaluator sends the first of a list only;
 * `strictImages` (not the official setting) sends every one.
 */
export function judgeReferenceImages(c: Pick<MindBenchCase, 'worldKnowledge'>, options: { strictImages?: boolean } = {}): string[] {
  return options.strictImages ? c.worldKnowledge.images : c.worldKnowledge.images.slice(0, 1);
}
