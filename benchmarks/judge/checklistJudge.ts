/**
 * The checklist judge (IA-Bench and MindBench): the prompt a VLM is given and the parser for its
 * answer, `{"results": [bool, …]}` in checklist order.
 */
import { embeddedJsonValues } from './extractJson';
import type { JudgePrompt } from './judgePrompt';
import { sha256Of } from './promptTemplate';
import { looksLikeRefusal } from './refusal';
import { truncateRaw, type ChecklistJudgement } from './verdicts';

export interface ChecklistJudgeRequest {
  checklist: readonly string[];
  /** The user's request, as context for reading the items; the items alone decide the verdict. */
  request?: string;
  /** Ground-truth text (e.g. MindBench World_Knowledge), when the benchmark provides it. */
  referenceText?: string;
  /** How many reference images are attached after the generated image. */
  referenceImages?: number;
}

const SYSTEM = [
  'You are a strict evaluator of generated images. You are shown a generated image and a numbered checklist of yes/no statements about it.',
  'For each statement decide whether it is true of the generated image: true only if the image clearly shows it, false otherwise (including when it is ambiguous, illegible or only partly satisfied).',
  'Judge strictly: counts, numbers, text, names, dates, colours, positions and identities must match exactly as stated.',
  'The one tolerance: a temperature counts as matching when it is within ±3 °C (±5.4 °F) of the stated value, in either unit.',
  'When reference material is given (text or reference images), it is the ground truth: use it to decide what the statements require, but judge only the generated image.',
  'Answer with JSON only, exactly one boolean per statement, in checklist order: {"results": [true, false, ...]}',
].join('\n');

/** How reports name this prompt; the hash changes whenever its instructions do. */
export const BUILT_IN_CHECKLIST_JUDGE_PROMPT = { name: 'image-agent checklist judge', sha256: sha256Of(SYSTEM) } as const;

export function buildChecklistJudgePrompt(req: ChecklistJudgeRequest): JudgePrompt {
  const referenceImages = req.referenceImages ?? 0;
  const imageNote =
    referenceImages === 0
      ? 'The attached image is the generated image.'
      : `The first attached image is the generated image; the next ${referenceImages === 1 ? 'one is a reference image' : `${referenceImages} are reference images`} (ground truth, not to be judged).`;
  const parts = [imageNote];
  if (req.request !== undefined) parts.push(`The user's request was:\n${req.request}`);
  if (req.referenceText !== undefined) parts.push(`Reference (ground truth):\n${req.referenceText}`);
  parts.push(`Checklist (${req.checklist.length} statements):\n${req.checklist.map((item, i) => `${i + 1}. ${item}`).join('\n')}`);
  parts.push(`Reply with {"results": [...]} holding exactly ${req.checklist.length} booleans.`);
  return { system: SYSTEM, user: parts.join('\n\n'), images: ['generated', ...Array<'reference'>(referenceImages).fill('reference')] };
}

/**
 * Reads the judge's answer for a checklist of `items` statements.
 * - The JSON may sit in a code fence or amid prose; when several `{"results": …}` objects appear,
 *   the last wins (models restate the format before answering).
 * - A bare JSON array is accepted when it is the only JSON in the answer.
 * - Entries: booleans; also, leniently, the numbers 0/1 and the strings "yes"/"no"/"true"/"false"/"1"/"0"
 *   (any case). Any other entry counts as false, with a note.
 * - A missing entry counts as false; extra entries are dropped; both are noted.
 * - No usable JSON: `refused` when it reads as a refusal, otherwise `unparseable`.
 */
export function parseChecklistJudgement(text: string, items: number): ChecklistJudgement {
  const answers = findAnswerArray(text);
  if (answers === undefined) {
    return { outcome: looksLikeRefusal(text) ? 'refused' : 'unparseable', raw: truncateRaw(text) };
  }
  const notes: string[] = [];
  const results = Array.from({ length: items }, (_, i) => {
    if (i >= answers.length) return false;
    const value = yesNo(answers[i]);
    if (value === undefined) notes.push(`answer ${i + 1} (${JSON.stringify(answers[i])}) is not yes/no; counted as false`);
    return value ?? false;
  });
  if (answers.length < items) notes.push(`${items - answers.length} of ${items} answers missing; counted as false`);
  if (answers.length > items) notes.push(`${answers.length - items} extra answers dropped`);
  return { outcome: 'judged', results, notes };
}

function findAnswerArray(text: string): unknown[] | undefined {
  const values = embeddedJsonValues(text);
  const objects = values.filter((v): v is { results: unknown[] } => isRecord(v) && Array.isArray(v.results));
  if (objects.length > 0) return objects[objects.length - 1]!.results;
  const [only] = values;
  return values.length === 1 && Array.isArray(only) ? only : undefined;
}

function yesNo(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (value === 1 || value === 0) return value === 1;
  if (typeof value !== 'string') return undefined;
  const word = value.trim().toLowerCase();
  if (word === 'yes' || word === 'true' || word === '1') return true;
  if (word === 'no' || word === 'false' || word === '0') return false;
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
