/**
 * The offline image-search backend: a folder of reference images described by index.json
 * ([{file, title, tags?, sourceUrl?}]), matched by keywords over title and tags.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import type { ImageSearch, ImageSearchResult } from './imageSearch';
import { isInsideDir } from './insideDir';
import { searchTerms, termMatches } from './searchTerms';

const indexSchema = z.array(
  z.object({
    file: z.string().min(1),
    title: z.string().min(1),
    tags: z.array(z.string()).optional(),
    sourceUrl: z.string().optional(),
  }),
);

/** Terms worked out once when the index is read, not per query. */
interface IndexedImage {
  result: ImageSearchResult;
  titleTerms: Set<string>;
  tagTerms: Set<string>;
  /** Tag and title terms together, for prefix matches. */
  terms: string[];
}

export class LocalImageSearch implements ImageSearch {
  readonly name = 'local-images';
  private loaded: { mtimeMs: number; images: Promise<IndexedImage[]> } | undefined;

  constructor(private readonly dir: string) {}

  async search(query: string, options: { limit: number; signal?: AbortSignal }): Promise<ImageSearchResult[]> {
    options.signal?.throwIfAborted();
    const queryTerms = [...new Set(searchTerms(query))];
    if (!queryTerms.length) return [];
    const images = await this.images();
    return images
      .map((image, order) => ({ image, order, score: scoreOf(image, queryTerms) }))
      .filter((s) => s.score > 0)
      .sort((a, b) => b.score - a.score || a.order - b.order)
      .slice(0, Math.max(0, options.limit))
      .map((s) => s.image.result);
  }

  /** index.json, read on first use and again whenever it changes. No index means no images. */
  private async images(): Promise<IndexedImage[]> {
    const indexPath = path.join(this.dir, 'index.json');
    const mtimeMs = await fs.stat(indexPath).then(
      (s) => s.mtimeMs,
      (err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') return -1;
        throw err;
      },
    );
    if (this.loaded?.mtimeMs !== mtimeMs) {
      const images = mtimeMs < 0 ? Promise.resolve([]) : this.read(indexPath);
      this.loaded = { mtimeMs, images };
      images.catch(() => {
        if (this.loaded?.images === images) this.loaded = undefined;
      });
    }
    return this.loaded.images;
  }

  private async read(indexPath: string): Promise<IndexedImage[]> {
    const parsed = indexSchema.safeParse(JSON.parse(await fs.readFile(indexPath, 'utf8')));
    if (!parsed.success) throw new Error(`${indexPath} is not [{file, title, tags?, sourceUrl?}]: ${parsed.error.issues[0]?.message}`);
    const root = path.resolve(this.dir);
    return parsed.data.map((entry) => {
      const absolute = path.resolve(root, entry.file);
      // The index names files of this folder only; a path leaving it is a broken (or hostile) index.
      if (!isInsideDir(root, absolute)) throw new Error(`${indexPath}: "${entry.file}" is not a file inside ${root}`);
      const titleTerms = new Set(searchTerms(entry.title));
      const tagTerms = new Set((entry.tags ?? []).flatMap((t) => searchTerms(t)));
      return {
        result: { title: entry.title, imageUrl: pathToFileURL(absolute).href, pageUrl: entry.sourceUrl },
        titleTerms,
        tagTerms,
        terms: [...new Set([...tagTerms, ...titleTerms])],
      };
    });
  }
}

/** A tag naming a query word counts most, a title word next, a word merely starting with it least. */
function scoreOf(image: IndexedImage, queryTerms: string[]): number {
  let score = 0;
  for (const term of queryTerms) {
    if (image.tagTerms.has(term)) score += 3;
    else if (image.titleTerms.has(term)) score += 2;
    else if (image.terms.some((t) => termMatches(term, t))) score += 1;
  }
  return score;
}
