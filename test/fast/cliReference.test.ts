/** docs/cli.md is the CLI's own help, generated (npm run docs:generate): it must match the program. Needs no stack. */
import fs from 'node:fs';
import { buildProgram } from '../../client/cliProgram';
import { CLI_REFERENCE_PATH, cliReference, commandsOf } from '../../client/cliReference';

test('docs/cli.md is what the program’s help generates (run `npm run docs:generate` after changing a command)', () => {
  expect(fs.readFileSync(CLI_REFERENCE_PATH, 'utf8')).toBe(cliReference());
});

test('every command and subcommand has a section, and none depends on the machine it was generated on', () => {
  const reference = cliReference();
  const names = commandsOf(buildProgram()).map((c) => c.name.join(' '));
  expect(names).toEqual(expect.arrayContaining(['generate', 'approve', 'session', 'batch', 'bench', 'erase', 'tenant', 'doctor']));
  expect(names.filter((name) => !reference.includes(`## image-agent ${name}\n`))).toEqual([]);
  expect(reference).not.toContain(process.cwd());
});
