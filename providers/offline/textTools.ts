/** Small deterministic text helpers shared by the offline providers. */

const STOPWORDS = new Set(
  `a an the and or but of to in on at by for with from as is are was were be been being it its this that these those there here
  into onto over under about above below up down out off than then so such very can could should would will shall may might must
  do does did done have has had having not no nor only own same too just also what which who whom whose when where why how all any
  both each few more most other some i me my mine we us our ours you your yours he him his she her hers they them their theirs
  draw make create generate show showing shows depict depicting render image picture photo illustration please one
  put place add use give get set let now before earlier again previous last time`.split(/\s+/),
);

/** Words that say nothing about content in a checklist statement. */
const CHECKLIST_FILLER = new Set(
  'image contains contain appears appear visible clearly exactly text style shown present depicted includes include reflect reflects'.split(' '),
);

export function stem(word: string): string {
  const w = word.toLowerCase();
  if (w.length > 4 && w.endsWith('ies')) return `${w.slice(0, -3)}y`;
  if (w.length > 3 && w.endsWith('es') && /(sh|ch|x|z|ss)es$/.test(w)) return w.slice(0, -2);
  if (w.length > 3 && w.endsWith('s') && !w.endsWith('ss')) return w.slice(0, -1);
  return w;
}

export function words(text: string): string[] {
  return (
    text
      .toLowerCase()
      .normalize('NFKC')
      .match(/[\p{L}\p{N}]+(?:[-'][\p{L}\p{N}]+)*/gu) ?? []
  );
}

export function contentWords(text: string): string[] {
  return [
    ...new Set(
      words(text)
        .filter((w) => !STOPWORDS.has(w) && w.length > 1)
        .map(stem),
    ),
  ];
}

export function checklistTerms(statement: string): string[] {
  return contentWords(statement).filter((w) => !CHECKLIST_FILLER.has(w));
}

/** Strings the user quoted: "…", '…', “…”, «…». */
export function quotedStrings(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/"([^"]{1,200})"|“([^”]{1,200})”|«([^»]{1,200})»|(?<![\p{L}])'([^']{2,200})'(?![\p{L}])/gu)) {
    const s = (m[1] ?? m[2] ?? m[3] ?? m[4])?.trim();
    if (s) out.push(s);
  }
  return out;
}

export function sentences(text: string): string[] {
  return text
    .replace(/\s+/g, ' ')
    .split(/(?<=[.!?])\s+(?=[A-Z0-9"“])/)
    .map((s) => s.trim())
    .filter((s) => s.length > 2);
}

/** Share of `terms` found (stemmed) in `text`. */
export function coverage(terms: readonly string[], text: string): number {
  if (!terms.length) return 1;
  const have = new Set(words(text).map(stem));
  return terms.filter((t) => have.has(t)).length / terms.length;
}

export function overlapScore(query: string, text: string): number {
  const q = contentWords(query);
  if (!q.length) return 0;
  const have = new Set(contentWords(text));
  return q.filter((w) => have.has(w)).length / q.length;
}

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

/** ISO dates spelled out as well ("2026-07-15" also as "15 July 2026"), so they match prose. */
export function expandDates(text: string): string {
  return text.replace(/\b(\d{4})-(\d{2})-(\d{2})\b/g, (iso, y: string, m: string, d: string) => {
    const month = MONTHS[Number(m) - 1];
    return month ? `${iso} ${Number(d)} ${month} ${y}` : iso;
  });
}

/** Paragraphs of a document, without Markdown headings or front matter. */
export function paragraphs(text: string): string[] {
  return text
    .replace(/^---[\s\S]*?---\s*/m, '')
    .split(/\n\s*\n/)
    .map((p) =>
      p
        .split('\n')
        .filter((l) => !/^\s*#/.test(l))
        .join(' ')
        .replace(/\s+/g, ' ')
        .trim(),
    )
    .filter((p) => p.length > 20);
}
