/**
 * The CLI reference (docs/cli.md), generated from the program's own help: every command and subcommand,
 * as `image-agent <command> --help` prints it. A test fails when the committed file differs.
 */
import path from 'node:path';
import type { Command } from 'commander';
import { projectRoot } from '../common/paths';
import { buildProgram } from './cliProgram';

export const CLI_REFERENCE_PATH = path.join(projectRoot, 'docs', 'cli.md');

/** Every command under `program`, depth first, with its full name (`session send`). */
export function commandsOf(program: Command, prefix: string[] = []): { name: string[]; command: Command }[] {
  return program.commands.flatMap((command) => {
    const name = [...prefix, command.name()];
    return [{ name, command }, ...commandsOf(command, name)];
  });
}

// Help is wrapped at the terminal's width; a fixed width keeps the file the same on every machine.
function helpOf(command: Command): string {
  command.configureOutput({ getOutHelpWidth: () => 100, getErrHelpWidth: () => 100 });
  return command.helpInformation().trimEnd();
}

export function cliReference(): string {
  const program = buildProgram();
  const lines = [
    '# CLI reference',
    '',
    '<!-- Generated from the CLI’s own help (client/cliProgram.ts) by `npm run docs:generate`; do not edit by hand. -->',
    '',
    '`image-agent` is `npm run cli --` in a clone (or, after `npm run build`, `npm link` puts `image-agent` on your PATH). Every command reads the configuration from the environment ([configuration.md](configuration.md)); `image-agent doctor` prints it and checks every component.',
    '',
    '```text',
    helpOf(program),
    '```',
    '',
  ];
  for (const { name, command } of commandsOf(program)) {
    lines.push(`## image-agent ${name.join(' ')}`, '', '```text', helpOf(command), '```', '');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
