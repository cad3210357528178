/**
 * Keeps the documentation true to the code (`npm run docs:check`, a counted CI target): every relative link
 * and image resolves (anchors included), every documented `image-agent` command and flag exists in the CLI's
 * definitions, every documented `npm run` script exists, every IMAGE_AGENT_* variable the code reads is in
 * the configuration reference and every documented one is read, and the README stays short.
 */
import fs from 'node:fs';
import path from 'node:path';
import MarkdownIt from 'markdown-it';
import type { Command } from 'commander';

export interface DocFile {
  /** Relative to the project root, with forward slashes. */
  file: string;
  text: string;
}

const README_MAX_BYTES = 12 * 1024;

const markdown = new MarkdownIt({ html: true });

/** The documentation the checks read: the README, CONTRIBUTING, every file under docs/, the runbook. */
export function documentation(root: string): DocFile[] {
  const files = ['README.md', 'CONTRIBUTING.md', 'infra/deploy/RUNBOOK.md', ...markdownUnder(root, 'docs')];
  return files.filter((f) => fs.existsSync(path.join(root, f))).map((file) => ({ file, text: fs.readFileSync(path.join(root, file), 'utf8') }));
}

function markdownUnder(root: string, dir: string): string[] {
  if (!fs.existsSync(path.join(root, dir))) return [];
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) return markdownUnder(root, rel);
    return e.name.endsWith('.md') ? [rel] : [];
  });
}

type Token = ReturnType<MarkdownIt['parse']>[number];

function allTokens(text: string): Token[] {
  const walk = (tokens: Token[]): Token[] => tokens.flatMap((t) => [t, ...walk(t.children ?? [])]);
  return walk(markdown.parse(text, {}));
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
export function headingAnchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  const tokens = markdown.parse(text, {});
  tokens.forEach((t, i) => {
    if (t.type !== 'heading_open') return;
    const title = tokens[i + 1]?.children?.map((c) => c.content).join('') ?? '';
    const base = title
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n ? `${base}-${n}` : base);
  });
  return anchors;
}

/** Relative links and images (Markdown or HTML) whose file or heading does not exist. */
export function brokenLinks(root: string, docs: DocFile[]): string[] {
  const problems: string[] = [];
  // A page is linked from many others: its headings are read once.
  const anchorsOf = new Map<string, Set<string>>();
  const anchorsIn = (file: string): Set<string> => {
    let anchors = anchorsOf.get(file);
    if (!anchors) anchorsOf.set(file, (anchors = headingAnchors(fs.readFileSync(file, 'utf8'))));
    return anchors;
  };
  for (const doc of docs) {
    const targets = allTokens(doc.text).flatMap((t) => {
      if (t.type === 'link_open') return [t.attrGet('href') ?? ''];
      if (t.type === 'image') return [t.attrGet('src') ?? ''];
      if (t.type === 'html_block' || t.type === 'html_inline') return [...t.content.matchAll(/\b(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
      return [];
    });
    for (const target of targets) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target === '') continue;
      const [file, anchor] = target.split('#') as [string, string | undefined];
      if (!file) {
        if (anchor && !headingAnchors(doc.text).has(anchor)) problems.push(`${doc.file}: link to ${target}: no heading with that anchor`);
        continue;
      }
      const resolved = path.join(path.dirname(path.join(root, doc.file)), decodeURIComponent(file));
      if (!fs.existsSync(resolved)) {
        problems.push(`${doc.file}: link to ${target}: no such file`);
        continue;
      }
      if (anchor && resolved.endsWith('.md') && !anchorsIn(resolved).has(anchor)) {
        problems.push(`${doc.file}: link to ${target}: no heading with that anchor`);
      }
    }
  }
  return problems;
}

/** The text of code spans and code blocks: where commands, flags and variables are documented. */
function codeOf(doc: DocFile): string[] {
  return allTokens(doc.text)
    .filter((t) => t.type === 'code_inline' || t.type === 'fence' || t.type === 'code_block')
    .flatMap((t) => t.content.split('\n'));
}

/** Documented `image-agent …` (or `npm run cli -- …`) commands, where they start a command line,, subcommands or flags the program does not define. */
export function unknownCommands(program: Command, docs: DocFile[]): string[] {
  const problems: string[] = [];
  for (const doc of docs) {
    for (const line of codeOf(doc)) {
      for (const m of line.matchAll(/(?:^\s*|[;&|]\s*|\$\(\s*|\$\s+)(?:npx\s+)?(?:image-agent|npm run cli --)\s+([a-z][\w-]*)([^|;&#`]*)/g)) {
        const words = [m[1]!, ...m[2]!.trim().split(/\s+/).filter(Boolean)];
        let command = program.commands.find((c) => c.name() === words[0] || c.aliases().includes(words[0]!));
        if (!command) {
          problems.push(`${doc.file}: \`image-agent ${words[0]}\` is not a command`);
          continue;
        }
        const sub = command.commands.find((c) => c.name() === words[1]);
        if (sub) command = sub;
        else if (command.commands.length && !command.registeredArguments.length && words[1] && !words[1].startsWith('-')) {
          problems.push(`${doc.file}: \`image-agent ${words[0]} ${words[1]}\` is not a command`);
          continue;
        }
        const known = new Set([...command.options, ...(command.parent?.options ?? [])].flatMap((o) => [o.long, o.short]).filter(Boolean));
        known.add('--help');
        for (const flag of words.filter((w) => /^--?[a-z]/i.test(w)).map((w) => w.split('=')[0]!)) {
          if (!known.has(flag))
            problems.push(
              `${doc.file}: \`image-agent ${command.parent?.name() === 'image-agent' ? '' : `${command.parent?.name()} `}${command.name()} ${flag}\` is not a flag of that command`,
            );
        }
      }
    }
  }
  return problems;
}

/** Documented `npm run <script>` that package.json does not define. */
export function unknownScripts(scripts: Record<string, string>, docs: DocFile[]): string[] {
  return docs.flatMap((doc) =>
    [...doc.text.matchAll(/npm run (?:--silent )?([a-z][\w:.-]*)/g)].flatMap((m) =>
      m[1]! in scripts ? [] : [`${doc.file}: \`npm run ${m[1]}\` is not a script in package.json`],
    ),
  );
}

/** Every IMAGE_AGENT_* name in some text (patterns such as IMAGE_AGENT_MODEL_* or IMAGE_AGENT_<ROLE>_VENDOR are not names). */
export function variablesIn(text: string): Set<string> {
  return new Set([...text.matchAll(/\bIMAGE_AGENT_[A-Z0-9_]*[A-Z0-9]\b(?![*<])/g)].map((m) => m[0]));
}

/** Variables the code reads that the reference lacks, and variables the docs name that no code reads. */
export function variableDrift(read: Set<string>, reference: Set<string>, documented: Set<string>): string[] {
  return [
    ...[...read].filter((v) => !reference.has(v)).map((v) => `${v} is read by the code but not in docs/configuration.md`),
    ...[...documented].filter((v) => !read.has(v)).map((v) => `${v} is documented but no code reads it`),
  ].sort();
}

export function readmeTooLong(readme: string): string[] {
  const bytes = Buffer.byteLength(readme);
  return bytes > README_MAX_BYTES ? [`README.md is ${bytes} bytes, over ${README_MAX_BYTES}: move detail to docs/`] : [];
}
