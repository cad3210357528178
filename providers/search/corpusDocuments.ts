/**
 * Reading a local corpus folder: Markdown files (optional front matter with title, url, date) and JSON
 * files (one document or an array of them), recursively.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';

export interface CorpusDocument {
  id: string;
  title: string;
  /** The source the document states (front matter `url:`), or its file:// URL. */
  url: string;
  content: string;
  date?: string;
  /** Path relative to the corpus folder, for messages. */
  file: string;
}

export interface CorpusFile {
  absolutePath: string;
  mtimeMs: number;
  size: number;
}

export interface LoadedCorpus {
  documents: CorpusDocument[];
  /** Files or entries left out, with why: one bad file must not take the whole corpus down. */
  skipped: { file: string; reason: string }[];
}

const jsonDocumentSchema = z.object({
  title: z.string().min(1),
  url: z.string().min(1).optional(),
  content: z.string().min(1),
  date: z.string().optional(),
});
const jsonFileSchema = z.union([jsonDocumentSchema, z.array(jsonDocumentSchema)]);

const CORPUS_EXTENSIONS = new Set(['.md', '.markdown', '.json']);

/** Every corpus file under dir (sorted), with what tells whether it changed. A missing folder is empty. */
export async function listCorpusFiles(dir: string): Promise<CorpusFile[]> {
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [];
    throw err;
  });
  const files = entries
    .filter((e) => e.isFile() && CORPUS_EXTENSIONS.has(path.extname(e.name).toLowerCase()))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
  return Promise.all(
    files.map(async (absolutePath) => {
      const stat = await fs.stat(absolutePath);
      return { absolutePath, mtimeMs: stat.mtimeMs, size: stat.size };
    }),
  );
}

export async function loadCorpus(dir: string, files: CorpusFile[]): Promise<LoadedCorpus> {
  const documents: CorpusDocument[] = [];
  const skipped: LoadedCorpus['skipped'] = [];
  for (const { absolutePath } of files) {
    const file = path.relative(dir, absolutePath);
    const fileUrl = pathToFileURL(absolutePath).href;
    try {
      const source = await fs.readFile(absolutePath, 'utf8');
      if (path.extname(absolutePath).toLowerCase() === '.json') {
        const parsed = jsonFileSchema.safeParse(JSON.parse(source));
        if (!parsed.success) {
          skipped.push({ file, reason: `not {title, url?, content, date?} or an array of them: ${parsed.error.issues[0]?.message}` });
          continue;
        }
        const list = Array.isArray(parsed.data) ? parsed.data : [parsed.data];
        list.forEach((d, i) => documents.push({ id: `${file}#${i}`, title: d.title, url: d.url ?? `${fileUrl}#${i}`, content: d.content, date: d.date, file }));
      } else {
        const { fields, body } = splitFrontMatter(source);
        const heading = body.match(/^#\s+(.+)$/m)?.[1]?.trim();
        const title = fields.title ?? heading ?? path.basename(absolutePath, path.extname(absolutePath));
        if (!body.trim()) {
          skipped.push({ file, reason: 'empty document' });
          continue;
        }
        documents.push({ id: file, title, url: fields.url ?? fileUrl, content: body.trim(), date: fields.date, file });
      }
    } catch (err) {
      skipped.push({ file, reason: (err as Error).message });
    }
  }
  return { documents, skipped };
}

/** `---` fenced `key: value` lines at the very top; values may be quoted. */
function splitFrontMatter(source: string): { fields: Partial<Record<'title' | 'url' | 'date', string>>; body: string } {
  const match = source.match(/^\uFEFF?---\r?\n([\s\S]*?)\r?\n---\r?\n?/);
  if (!match) return { fields: {}, body: source };
  const fields: Partial<Record<'title' | 'url' | 'date', string>> = {};
  for (const line of match[1]!.split(/\r?\n/)) {
    const kv = line.match(/^(title|url|date)\s*:\s*(.*)$/i);
    if (!kv) continue;
    const value = kv[2]!.trim().replace(/^(["'])(.*)\1$/, '$2');
    if (value) fields[kv[1]!.toLowerCase() as 'title' | 'url' | 'date'] = value;
  }
  return { fields, body: source.slice(match[0].length) };
}
