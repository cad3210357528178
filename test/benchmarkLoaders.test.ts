/** Benchmark suite loaders: the sample suite and fixtures load; malformed files name file, line and field. */
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { generateWise1000, splitByDomain } from '../benchmarks/fixtures/generateWise1000';
import { loadIaBenchSuite } from '../benchmarks/iaBench/suite';
import { SUBTASKS, SUBTASKS_BY_CAPABILITY } from '../benchmarks/iaBench/taxonomy';
import { loadMindBenchSuite } from '../benchmarks/mindBench/suite';
import { loadRequestList } from '../benchmarks/requests/suite';
import { SuiteFormatError } from '../benchmarks/suiteFormatError';
import { WISE_CATEGORIES } from '../benchmarks/wise/categories';
import { loadWiseSuite } from '../benchmarks/wise/suite';

const benchmarks = path.resolve(__dirname, '../benchmarks');
const sample = path.join(benchmarks, 'suites/ia-bench-sample.jsonl');
const mindDir = path.join(benchmarks, 'fixtures/mindbench');
const wiseDir = path.join(benchmarks, 'fixtures/wise');
const malformed = (name: string): string => path.join(benchmarks, 'fixtures/malformed', name);
const wiseDomainFiles = ['cultural_common_sense.json', 'spatio-temporal_reasoning.json', 'natural_science.json'].map((f) => path.join(wiseDir, f));

async function rejection(load: Promise<unknown>): Promise<SuiteFormatError> {
  const err = await load.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SuiteFormatError);
  return err as SuiteFormatError;
}

describe('IA-Bench-style suites', () => {
  test('the sample suite loads with at least 3 cases for each of the 17 subtasks', async () => {
    const cases = await loadIaBenchSuite(sample);
    expect(cases.length).toBeGreaterThanOrEqual(51);
    for (const subtask of SUBTASKS) expect(cases.filter((c) => c.subtask === subtask).length).toBeGreaterThanOrEqual(3);
    for (const c of cases) {
      expect(c.checklist.length).toBeGreaterThanOrEqual(2);
      expect(c.checklist.length).toBeLessThanOrEqual(5);
      expect((SUBTASKS_BY_CAPABILITY[c.capability] as readonly string[]).includes(c.subtask)).toBe(true);
      expect(c.turns.length > 1).toBe(c.capability === 'memory');
    }
    expect(new Set(cases.map((c) => c.id)).size).toBe(cases.length);
  });

  test('image paths resolve against the suite file', async () => {
    const maze = (await loadIaBenchSuite(sample)).find((c) => c.id === 'reason-maze-01')!;
    expect(maze.turns[0]!.inputImages).toEqual([path.join(benchmarks, 'suites/images/maze-1.png')]);
    expect(maze.groundTruth).toEqual({ text: expect.stringContaining('down, right'), image: path.join(benchmarks, 'suites/images/maze-1-solution.png') });
    expect(maze.source).toEqual({ file: sample, line: expect.any(Number) });
  });

  test('invalid JSON names the file and line', async () => {
    const file = malformed('ia-bench-invalid-json.jsonl');
    const err = await rejection(loadIaBenchSuite(file));
    expect(err.message).toContain(`${file}:2: not valid JSON`);
    expect(err.problems).toHaveLength(1);
  });

  test('a subtask that is not its capability’s is rejected', async () => {
    const file = malformed('ia-bench-subtask-mismatch.jsonl');
    const err = await rejection(loadIaBenchSuite(file));
    expect(err.message).toContain(`${file}:2: field "subtask": "maze" belongs to capability "reason", not "plan"`);
  });

  test('an empty checklist is rejected', async () => {
    const file = malformed('ia-bench-empty-checklist.jsonl');
    const err = await rejection(loadIaBenchSuite(file));
    expect(err.message).toContain(`${file}:3: field "checklist": must hold at least one yes/no statement`);
  });

  test('every problem of a file is reported at once, in line order', async () => {
    const file = malformed('ia-bench-problems.jsonl');
    const err = await rejection(loadIaBenchSuite(file));
    expect(err.message).toContain(`${file}:1: field "turns": a memory case needs at least 2 turns (only the last is judged)`);
    expect(err.message).toContain(`${file}:2: field "checklst": is not a field of this format (misspelt?)`);
    expect(err.message).toContain(
      `${file}:3: field "turns[0].input_images[0]": file not found: ${path.join(benchmarks, 'fixtures/malformed/images/no-such-maze.png')}`,
    );
    expect(err.message).toContain(`${file}:4: field "id": duplicate id "missing-image" (first on line 3)`);
    expect(err.message).toContain(`${file}:5: field "turns[1].prompt": must be a non-empty string`);
    expect(err.problems.map((p) => p.line)).toEqual([1, 2, 3, 4, 5]);
  });

  test('blank lines are skipped and keep line numbers true', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ia-bench-'));
    const file = path.join(dir, 'dup.jsonl');
    const line = JSON.stringify({ id: 'same', capability: 'reason', subtask: 'math', turns: [{ prompt: '2+2 apples' }], checklist: ['4 apples'] });
    await writeFile(file, `${line}\n\n${line}\n`);
    const err = await rejection(loadIaBenchSuite(file));
    expect(err.message).toContain(`${file}:3: field "id": duplicate id "same" (first on line 1)`);
  });
});

describe('MindBench', () => {
  const folders = { inputImageDir: path.join(mindDir, 'input_images'), referenceImageDir: path.join(mindDir, 'reference_images') };

  test('the fixture loads: categories, I2I input, world-knowledge images, output names', async () => {
    const cases = await loadMindBenchSuite(path.join(mindDir, 'metadata.jsonl'), folders);
    expect(cases).toHaveLength(6);
    expect(new Set(cases.map((c) => c.category))).toEqual(new Set([1, 2, 3, 6, 10]));
    const i2i = cases.find((c) => c.generationType === 'I2I')!;
    expect(i2i.inputImage).toBe(path.join(mindDir, 'input_images/6_1_glass.png'));
    expect(i2i.worldKnowledge.images).toEqual([path.join(mindDir, 'reference_images/6_1_frozen.png')]);
    const character = cases.find((c) => c.type === '3_MovieCharacter')!;
    expect(character.worldKnowledge.images).toHaveLength(2);
    expect(character.worldKnowledge.text).toContain('Bolt-7');
    expect(cases.map((c) => c.outputImageName)).toEqual(['1_1.png', '1_2.png', '2_1.png', '3_1.png', '6_1.png', '10_1.png']);
    expect(cases[0]!.worldKnowledge).toEqual({ text: expect.stringContaining('Paris'), images: [] });
  });

  test('image paths that do not exist under the given folders are rejected', async () => {
    const file = path.join(mindDir, 'metadata.jsonl');
    const err = await rejection(loadMindBenchSuite(file));
    expect(err.message).toContain(`${file}:4: field "World_Knowledge.image[0]": file not found`);
    expect(err.message).toContain(`${file}:5: field "Image_Name": file not found`);
  });

  test('an I2I case without Image_Name is rejected', async () => {
    const file = malformed('mindbench-i2i-without-image.jsonl');
    const err = await rejection(loadMindBenchSuite(file));
    expect(err.message).toContain(`${file}:2: field "Image_Name": an I2I case needs Image_Name, its input image`);
  });

  test('bad Type, Checklist and Generation_Type, and a duplicate case, are named', async () => {
    const file = malformed('mindbench-bad-fields.jsonl');
    const err = await rejection(loadMindBenchSuite(file));
    expect(err.message).toContain(`${file}:1: field "Type": must start with the category number and "_", e.g. "1_SpecialEvent"`);
    expect(err.message).toContain(`${file}:2: field "Checklist":`);
    expect(err.message).toContain(`${file}:3: field "Generation_Type": must be "T2I" or "I2I"`);
    // Line 1 was rejected, so line 4 is the first valid 1_1 and no duplicate; lines 5 and 6 share 7_7.png.
    expect(err.message).toContain(`${file}:6: field "ID": duplicate case 7_7.png (first on line 5)`);
    expect(err.problems.map((p) => p.line)).toEqual([1, 2, 3, 6]);
  });
});

describe('request lists', () => {
  const request = (id: string, text: string): string => JSON.stringify({ id, request: text });

  test.each([
    ['JSON Lines', 'requests.jsonl', [request('same', 'a red fox'), request('same', 'a blue fox'), request('same', 'a green fox')].join('\n'), 1],
    ['CSV', 'requests.csv', 'id,request\nsame,a red fox\nsame,a blue fox\nsame,a green fox\n', 2],
  ])('%s: every repeat of an id is reported against the line that first used it', async (_format, name, text, firstLine) => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'requests-'));
    const file = path.join(dir, name);
    await writeFile(file, text);
    const err = await rejection(loadRequestList(file));
    expect(err.problems).toEqual([
      { file, line: firstLine + 1, field: 'id', message: `duplicate id "same" (first on line ${firstLine})` },
      { file, line: firstLine + 2, field: 'id', message: `duplicate id "same" (first on line ${firstLine})` },
    ]);
  });
});

describe('WISE-Verified', () => {
  test('per-domain files load, with categories from id ranges and image names', async () => {
    const prompts = await loadWiseSuite(wiseDomainFiles);
    expect(prompts).toHaveLength(12);
    for (const c of WISE_CATEGORIES) expect(prompts.filter((p) => p.category === c)).toHaveLength(2);
    const first = prompts[0]!;
    expect(first).toMatchObject({ promptId: 1, category: 'culture', sourceCategory: 'Cultural knowledge', outputImageName: '1.png' });
    expect(first.source).toEqual({ file: wiseDomainFiles[0], line: 2 });
  });

  test('the merged file loads alone and equals the per-domain files', async () => {
    const merged = await loadWiseSuite(path.join(wiseDir, 'merged.json'));
    const split = await loadWiseSuite(wiseDomainFiles);
    expect(merged.map((p) => [p.promptId, p.prompt])).toEqual(split.map((p) => [p.promptId, p.prompt]));
  });

  test('duplicate prompt_ids across files are rejected, naming both places', async () => {
    const mergedFile = path.join(wiseDir, 'merged.json');
    const err = await rejection(loadWiseSuite([wiseDomainFiles[0]!, mergedFile]));
    expect(err.message).toContain(`${mergedFile}:3: field "prompt_id": duplicate prompt_id 1 (first in ${wiseDomainFiles[0]}:3)`);
    expect(err.problems).toHaveLength(2);
  });

  test('duplicates within one file are rejected', async () => {
    const file = malformed('wise-duplicate-within.json');
    const err = await rejection(loadWiseSuite(file));
    expect(err.message).toContain(`${file}:17: field "prompt_id": duplicate prompt_id 5 (first on line 3)`);
  });

  test('out-of-range ids and missing fields name the line of the field or record', async () => {
    const file = malformed('wise-bad-records.json');
    const err = await rejection(loadWiseSuite(file));
    expect(err.message).toContain(`${file}:10: field "prompt_id": must be in 1–1000`);
    expect(err.message).toContain(`${file}:16: field "Explanation": is required but missing`);
  });

  test('invalid JSON and a non-array file are rejected with a line', async () => {
    const invalid = malformed('wise-invalid-json.json');
    expect((await rejection(loadWiseSuite(invalid))).message).toMatch(new RegExp(`${escape(invalid)}:5: not valid JSON`));
    const notArray = malformed('wise-not-an-array.json');
    expect((await rejection(loadWiseSuite(notArray))).message).toContain(`${notArray}:1: expected a JSON array of records`);
  });

  test('1,000 generated records load, from one file or split by domain', async () => {
    const records = generateWise1000();
    const dir = await mkdtemp(path.join(os.tmpdir(), 'wise-1000-'));
    const single = path.join(dir, 'all.json');
    await writeFile(single, JSON.stringify(records, null, 4));
    const prompts = await loadWiseSuite(single);
    expect(prompts.map((p) => p.promptId)).toEqual(records.map((r) => r.prompt_id));
    const counts = Object.fromEntries(WISE_CATEGORIES.map((c) => [c, prompts.filter((p) => p.category === c).length]));
    expect(counts).toEqual({ culture: 400, time: 120, space: 120, biology: 120, physics: 120, chemistry: 120 });
    expect(prompts[999]!.source.line).toBe(999 * 7 + 2);
    const files = await Promise.all(
      Object.entries(splitByDomain(records)).map(async ([domain, part]) => {
        const file = path.join(dir, `${domain.replace(/\W+/g, '_')}.json`);
        await writeFile(file, JSON.stringify(part));
        return file;
      }),
    );
    expect(files).toHaveLength(3);
    expect(await loadWiseSuite(files)).toHaveLength(1000);
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
