/**
 * The docs check (infra/docsCheck.ts) catches what it is for: a planted broken link or anchor, an unknown
 * command or flag, a missing npm script, an undocumented or unread variable, a long README. Needs no stack.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildProgram } from '../../client/cliProgram';
import { brokenLinks, headingAnchors, readmeTooLong, unknownCommands, unknownScripts, variableDrift, variablesIn, type DocFile } from '../../infra/docsCheck';

const doc = (text: string, file = 'docs/guide.md'): DocFile => ({ file, text });

test('a link to a missing file or heading is caught; existing ones, external ones and anchors in code are not', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'docs-check-'));
  fs.mkdirSync(path.join(root, 'docs', 'images'), { recursive: true });
  fs.writeFileSync(path.join(root, 'docs', 'other.md'), '# Other\n\n## Use real models\n');
  fs.writeFileSync(path.join(root, 'docs', 'images', 'a.png'), '');
  const text = [
    '# Guide',
    '[ok](other.md#use-real-models) [ok](#guide) [bad](#nowhere) ![ok](images/a.png) [web](https://example.org/x) `[not a link](nowhere.md)`',
    '[gone](missing.md) [bad anchor](other.md#no-such-heading) <img src="images/b.png">',
  ].join('\n');
  expect(brokenLinks(root, [doc(text)])).toEqual([
    'docs/guide.md: link to #nowhere: no heading with that anchor',
    'docs/guide.md: link to missing.md: no such file',
    'docs/guide.md: link to other.md#no-such-heading: no heading with that anchor',
    'docs/guide.md: link to images/b.png: no such file',
  ]);
  expect(headingAnchors('# A B\n## `code` & more\n## A B\n')).toEqual(new Set(['a-b', 'code--more', 'a-b-1']));
});

test('an unknown command or flag in a code span or block is caught; prose and other programs are not', () => {
  const program = buildProgram();
  const text = [
    'Run `image-agent generate --review "x"` or `npm run cli -- approve <id> --reviewer me`.',
    '```sh',
    'image-agent generate --no-such-flag "x"',
    'npm run cli -- launch',
    'image-agent tenant enable --tenant acme',
    'image-agent tenant disable --tenant acme',
    'image-agent bench suite.jsonl --no-feedback',
    'helm upgrade --install image-agent infra/deploy/helm/image-agent',
    '```',
    'In prose, image-agent frobnicate is not checked.',
  ].join('\n');
  expect(unknownCommands(program, [doc(text)])).toEqual([
    'docs/guide.md: `image-agent generate --no-such-flag` is not a flag of that command',
    'docs/guide.md: `image-agent launch` is not a command',
    'docs/guide.md: `image-agent tenant disable` is not a command',
  ]);
});

test('a documented npm script that package.json lacks is caught', () => {
  expect(unknownScripts({ build: 'tsc', 'docs:check': 'x' }, [doc('`npm run build` then `npm run --silent docs:check`, not `npm run deploy:moon`')])).toEqual([
    'docs/guide.md: `npm run deploy:moon` is not a script in package.json',
  ]);
});

test('a variable read but not in the reference, or documented but never read, is caught; patterns are not names', () => {
  expect([...variablesIn('IMAGE_AGENT_API_PORT, IMAGE_AGENT_MODEL_*, IMAGE_AGENT_<ROLE>_VENDOR, `IMAGE_AGENT_X`')].sort()).toEqual([
    'IMAGE_AGENT_API_PORT',
    'IMAGE_AGENT_X',
  ]);
  const read = new Set(['IMAGE_AGENT_A', 'IMAGE_AGENT_NEW']);
  expect(variableDrift(read, new Set(['IMAGE_AGENT_A']), new Set(['IMAGE_AGENT_A', 'IMAGE_AGENT_GONE']))).toEqual([
    'IMAGE_AGENT_GONE is documented but no code reads it',
    'IMAGE_AGENT_NEW is read by the code but not in docs/configuration.md',
  ]);
});

test('a README over 12 KB is caught', () => {
  expect(readmeTooLong('x'.repeat(12 * 1024))).toEqual([]);
  expect(readmeTooLong('x'.repeat(12 * 1024 + 1))).toHaveLength(1);
});
