/**
 * The page-reader role: a search result's URL in, the page's readable text out (the article, without
 * navigation, scripts or ads), bounded in size so it fits a summarising prompt.
 */
import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import { parseContentType, safeFetch, type SafeFetchOptions } from './safeFetch';

export interface ReadPageResult {
  /** The URL finally read, after redirects. */
  url: string;
  title: string;
  text: string;
}

/** The page answered, but not with something readable as text. Not worth retrying. */
export class UnreadablePageError extends Error {
  override name = 'UnreadablePageError';
  constructor(
    readonly url: string,
    readonly reason: string,
    /** HTTP status when the page answered with an error status. */
    readonly status?: number,
  ) {
    super(`cannot read ${url}: ${reason}`);
  }
}

const TRUNCATION_MARKER = ' […truncated]';
const HTML_TYPES = new Set(['text/html', 'application/xhtml+xml']);
const TEXT_TYPES = new Set(['text/plain', 'text/markdown', 'text/x-markdown']);
/** Elements whose text is never page content. */
const SKIPPED_ELEMENTS = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'SVG', 'CANVAS', 'IFRAME', 'HEAD']);
/** Elements that end a line, so paragraphs and list items do not run together. */
const BLOCK_ELEMENTS = new Set([
  'ADDRESS',
  'ARTICLE',
  'ASIDE',
  'BLOCKQUOTE',
  'BR',
  'DD',
  'DIV',
  'DL',
  'DT',
  'FIGCAPTION',
  'FIGURE',
  'FOOTER',
  'H1',
  'H2',
  'H3',
  'H4',
  'H5',
  'H6',
  'HEADER',
  'HR',
  'LI',
  'MAIN',
  'NAV',
  'OL',
  'P',
  'PRE',
  'SECTION',
  'TABLE',
  'TD',
  'TH',
  'TR',
  'UL',
]);

export async function readPage(url: string, fetchOptions: SafeFetchOptions, maxChars: number): Promise<ReadPageResult> {
  const response = await safeFetch(url, {
    ...fetchOptions,
    accept: 'text/html,application/xhtml+xml,text/plain;q=0.9,text/markdown;q=0.9',
  });
  if (response.status < 200 || response.status > 299) {
    throw new UnreadablePageError(response.url, `HTTP ${response.status}`, response.status);
  }
  const { mediaType, charset } = parseContentType(response.contentType);
  const source = decode(response.body, charset);
  if (HTML_TYPES.has(mediaType)) return extractReadableText(source, response.url, maxChars);
  if (TEXT_TYPES.has(mediaType)) {
    const text = collapseWhitespace(source);
    const firstLine = text.split('\n', 1)[0]?.replace(/^#+\s*/, '') ?? '';
    return { url: response.url, title: firstLine.slice(0, 200) || response.url, text: truncate(text, maxChars) };
  }
  throw new UnreadablePageError(response.url, `content type "${mediaType || 'none'}" is not HTML or text`);
}

/** The readable text of an HTML page: Readability's article, or the body's text when it finds none. */
export function extractReadableText(html: string, url: string, maxChars: number): ReadPageResult {
  const { document } = parseHTML(html);
  const documentTitle = (document.title ?? '').trim();
  // Readability rewrites the document it reads; the serializer hands back its article node untouched.
  const article = new Readability<DomNode>(document, { serializer: (node) => node as DomNode }).parse();
  let text = article?.content ? collapseWhitespace(blockText(article.content)) : '';
  if (!text) {
    const fresh = parseHTML(html).document;
    text = collapseWhitespace(blockText((fresh.body ?? fresh.documentElement) as DomNode));
  }
  const title = (article?.title ?? '').trim() || documentTitle || url;
  return { url, title, text: truncate(text, maxChars) };
}

/** The little of the DOM that blockText walks (the project compiles without the DOM lib). */
interface DomNode {
  nodeType: number;
  nodeValue: string | null;
  tagName?: string;
  firstChild: DomNode | null;
  nextSibling: DomNode | null;
}

function blockText(root: DomNode): string {
  const parts: string[] = [];
  const visit = (node: DomNode): void => {
    if (node.nodeType === 3) {
      // Line breaks inside a text node are the source's wrapping, not the page's structure.
      parts.push((node.nodeValue ?? '').replace(/\s+/g, ' '));
      return;
    }
    if (node.nodeType !== 1 && node.nodeType !== 9 && node.nodeType !== 11) return;
    const tag = node.tagName?.toUpperCase() ?? '';
    if (SKIPPED_ELEMENTS.has(tag)) return;
    const block = BLOCK_ELEMENTS.has(tag);
    if (block) parts.push('\n');
    for (let child = node.firstChild; child; child = child.nextSibling) visit(child);
    if (block) parts.push('\n');
  };
  visit(root);
  return parts.join('');
}

/** Runs of spaces become one space; blank lines disappear; one line per block. */
function collapseWhitespace(text: string): string {
  return text
    .split(/\r?\n/)
    .map((line) => line.replace(/\s+/g, ' ').trim())
    .filter(Boolean)
    .join('\n');
}

/** At most maxChars characters, the marker included, cut at a word boundary when one is near. */
function truncate(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const room = Math.max(0, maxChars - TRUNCATION_MARKER.length);
  let cut = text.slice(0, room);
  const lastSpace = cut.search(/\s\S*$/);
  if (lastSpace > room - 40) cut = cut.slice(0, lastSpace);
  return `${cut.trimEnd()}${TRUNCATION_MARKER}`;
}

function decode(body: Buffer, charset: string | undefined): string {
  try {
    return new TextDecoder(charset ?? 'utf-8').decode(body);
  } catch {
    // An unknown charset label: UTF-8 is the web's default and right far more often than not.
    return new TextDecoder('utf-8').decode(body);
  }
}
