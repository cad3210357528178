/**
 * The legacy-read ledger (common/legacyReads.ts) and the code agree: every `legacy-read:` tag names an entry,
 * every entry is tagged somewhere, and a `legacy…` name appears only in tagged files. Needs no stack.
 */
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../common/paths';
import { LEGACY_READS } from '../../common/legacyReads';

const SOURCE_FOLDERS = ['activities', 'benchmarks', 'client', 'common', 'config', 'infra', 'providers', 'security', 'telemetry', 'workers', 'workflows'];

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

const files = SOURCE_FOLDERS.flatMap((folder) => sourceFiles(path.join(projectRoot, folder)))
  .filter((file) => !file.endsWith(path.join('common', 'legacyReads.ts')))
  .map((file) => ({ file: path.relative(projectRoot, file), text: fs.readFileSync(file, 'utf8') }));
const tagsIn = (text: string): string[] => [...text.matchAll(/legacy-read: ([a-z0-9-]+)/g)].map((m) => m[1]!);

test('the sources were found (the check would pass vacuously on an empty tree)', () => {
  expect(files.length).toBeGreaterThan(100);
});

test('every legacy-read tag names an entry of the ledger', () => {
  const unknown = files.flatMap(({ file, text }) =>
    tagsIn(text)
      .filter((id) => !(id in LEGACY_READS))
      .map((id) => `${file}: ${id}`),
  );
  expect(unknown).toEqual([]);
});

test('every entry of the ledger is tagged at a site that still reads it', () => {
  const tagged = new Set(files.flatMap(({ text }) => tagsIn(text)));
  expect(Object.keys(LEGACY_READS).filter((id) => !tagged.has(id))).toEqual([]);
});

test('a legacy… name lives only in a file with a legacy-read tag', () => {
  const untagged = files.filter(({ text }) => /\blegacy[A-Z]\w*/.test(text) && tagsIn(text).length === 0).map(({ file }) => file);
  expect(untagged).toEqual([]);
});

test('each entry says what it reads, since when (a date), and when it can go', () => {
  for (const [id, entry] of Object.entries(LEGACY_READS)) {
    expect({ id, since: entry.since }).toEqual({ id, since: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) });
    expect(entry.reads.length).toBeGreaterThan(20);
    expect(entry.canGoWhen.length).toBeGreaterThan(20);
  }
});
