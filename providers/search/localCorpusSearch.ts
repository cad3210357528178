/**
 * The offline, embedded web-search backend: full-text search over a local folder of Markdown and JSON
 * documents (sample data by default; a company knowledge base in practice). Results carry the whole
 * document, so no page needs fetching.
 */
import MiniSearch from 'minisearch';
import { bestPassage } from './bestPassage';
import { listCorpusFiles, loadCorpus, type CorpusDocument, type CorpusFile } from './corpusDocuments';
import { normaliseTerm } from './searchTerms';
import type { WebSearch, WebSearchResult } from './webSearch';

interface CorpusIndex {
  index: MiniSearch<CorpusDocument>;
  byId: Map<string, CorpusDocument>;
}

/** Listing and stat-ing a large folder on every search would cost more than the search itself. */
const RECHECK_MS = 2000;

export class LocalCorpusSearch implements WebSearch {
  readonly name = 'local-corpus';
  private built: { signature: string; index: Promise<CorpusIndex> } | undefined;
  private checkedAt = -Infinity;

  constructor(private readonly dir: string) {}

  async search(query: string, options: { limit: number; signal?: AbortSignal }): Promise<WebSearchResult[]> {
    options.signal?.throwIfAborted();
    const { index, byId } = await this.index();
    return index
      .search(query)
      .slice(0, Math.max(0, options.limit))
      .map((hit) => {
        const doc = byId.get(String(hit.id))!;
        return { title: doc.title, url: doc.url, snippet: bestPassage(doc.content, query), content: doc.content, publishedAt: doc.date };
      });
  }

  /** Built on first use; rebuilt when a file is added, removed or modified, which is checked at most every RECHECK_MS. */
  private async index(): Promise<CorpusIndex> {
    const now = Date.now();
    if (this.built && now - this.checkedAt < RECHECK_MS) return this.built.index;
    this.checkedAt = now;
    const files = await listCorpusFiles(this.dir);
    const signature = signatureOf(files);
    if (this.built?.signature !== signature) {
      const index = this.build(files);
      this.built = { signature, index };
      // A failed build is retried by the next search rather than cached.
      index.catch(() => {
        if (this.built?.index === index) this.built = undefined;
      });
    }
    return this.built!.index;
  }

  private async build(files: CorpusFile[]): Promise<CorpusIndex> {
    const { documents, skipped } = await loadCorpus(this.dir, files);
    // Once per build, so a broken file is reported when it appears or changes, not on every search.
    for (const { file, reason } of skipped) console.warn(`local corpus ${this.dir}: skipped ${file}: ${reason}`);
    const index = new MiniSearch<CorpusDocument>({
      fields: ['title', 'content'],
      idField: 'id',
      processTerm: (term) => normaliseTerm(term),
      searchOptions: {
        boost: { title: 2 },
        // Modest: prefixes from 4 letters ("forecast" finds "forecasts"), one typo in long words only.
        prefix: (term) => term.length >= 4,
        fuzzy: (term) => (term.length >= 6 ? 0.15 : false),
      },
    });
    index.addAll(documents);
    return { index, byId: new Map(documents.map((d) => [d.id, d])) };
  }
}

function signatureOf(files: CorpusFile[]): string {
  return files.map((f) => `${f.absolutePath}:${f.mtimeMs}:${f.size}`).join('\n');
}
