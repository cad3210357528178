/** Workflow code stays small enough to read as the method: no file under workflows/ is over 150 lines. Needs no stack. */
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../common/paths';

const MAX_LINES = 150;

function workflowFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return workflowFiles(full);
    return e.name.endsWith('.ts') ? [full] : [];
  });
}

test(`every workflow file is at most ${MAX_LINES} lines`, () => {
  const files = workflowFiles(path.join(projectRoot, 'workflows'));
  expect(files.length).toBeGreaterThan(20);
  const long = files
    .map((file) => ({ file: path.relative(projectRoot, file), lines: fs.readFileSync(file, 'utf8').trimEnd().split('\n').length }))
    .filter((f) => f.lines > MAX_LINES);
  expect(long).toEqual([]);
});

test('the GenerateImage method lives under workflows/generate/, in its stage folders', () => {
  for (const folder of ['ground', 'loop', 'images', 'review']) {
    expect({ folder, exists: fs.existsSync(path.join(projectRoot, 'workflows', 'generate', folder)) }).toEqual({ folder, exists: true });
  }
});
