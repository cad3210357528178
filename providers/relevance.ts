/**
 * The relevance gate: every search result, memory item and earlier turn is scored against the question that
 * asked for it before it may reach the composer or the checklist. The score is the share of the question's
 * key terms the item holds (a date counts as one term and matches in any spelling), and, where an embedding
 * model exists, the cosine similarity of the two texts admits an item too. What is dropped, and why, is
 * recorded with the answer, so the run report shows it.
 */
import type { RelevanceRecord } from '../common/evidence';
import type { Embedder } from './agentRoles';
import { contentWords, stem, words } from './offline/textTools';

export interface RelevancePolicy {
  /** Share of the question's key terms an item must hold (0–1). */
  threshold: number;
  /** Cosine similarity that admits an item when an embedder exists (0–1). */
  minSimilarity: number;
}

export interface GateItem {
  /** What the item is called in the record: a URL, a memory id. */
  label: string;
  text: string;
}

export interface Scored<T> {
  item: T;
  score: number;
  similarity?: number;
  kept: boolean;
  reason: string;
}

/** Words of a question that say nothing about what the evidence must be about. */
const FILLER = new Set(
  `card poster flyer banner leaflet illustration drawing design graphic know known user earlier output outputs matter matters
  look looks like named character person exactly must answer need needs tell find information info detail details about
  image picture photo request requested`
    .split(/\s+/)
    .map(stem),
);

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const ISO_DATE = /\b(\d{4})-(\d{2})-(\d{2})\b/g;

/** The question without the planner's "(as of <today>)" note, which no evidence is expected to repeat. */
function questionText(question: string): string {
  return question.replace(/\(as of \d{4}-\d{2}-\d{2}\)/gi, ' ').replace(/['’]s\b/g, '');
}

/**
 * The terms a relevant item must hold: content words (stemmed, filler removed), whole dates, and which words
 * are names (capitalised: "Hangzhou", "Brightleaf").
 */
function keyTerms(question: string): { words: string[]; dates: string[]; names: Set<string> } {
  const q = questionText(question);
  const dates = [...q.matchAll(ISO_DATE)].map((m) => m[0]);
  const rest = q.replace(ISO_DATE, ' ');
  const names = new Set((rest.match(/(?<![\p{L}\p{N}])\p{Lu}[\p{L}\p{N}]+/gu) ?? []).flatMap((w) => contentWords(w)));
  return { words: contentWords(rest).filter((w) => !FILLER.has(w)), dates: [...new Set(dates)], names };
}

/** Names and dates say which thing a question is about: they weigh twice a common word. */
const NAME_WEIGHT = 2;

function hasDate(iso: string, text: string): boolean {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  const month = MONTHS[m - 1];
  if (!month) return text.includes(iso);
  const t = text.toLowerCase();
  return (
    t.includes(iso) || new RegExp(`\\b0?${d}(?:st|nd|rd|th)? ${month} ${y}\\b`).test(t) || new RegExp(`\\b${month} 0?${d}(?:st|nd|rd|th)?,? ${y}\\b`).test(t)
  );
}

/** Weighted share of the question's key terms found in `text` (names and dates count twice; 1 when there are none). */
export function lexicalRelevance(question: string, text: string): { score: number; missing: string[] } {
  const terms = keyTerms(question);
  const weight = (w: string) => (terms.names.has(w) ? NAME_WEIGHT : 1);
  const total = terms.words.reduce((n, w) => n + weight(w), 0) + terms.dates.length * NAME_WEIGHT;
  if (!total) return { score: 1, missing: [] };
  const have = new Set(words(text).map(stem));
  const missingWords = terms.words.filter((w) => !have.has(w));
  const missingDates = terms.dates.filter((d) => !hasDate(d, text));
  const lost = missingWords.reduce((n, w) => n + weight(w), 0) + missingDates.length * NAME_WEIGHT;
  return { score: Math.round(((total - lost) / total) * 1000) / 1000, missing: [...missingWords, ...missingDates] };
}

/** Cosine similarity of two embeddings (0 when either is empty). */
export function cosine(a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na && nb ? dot / Math.sqrt(na * nb) : 0;
}

/**
 * Scores each item against the question and keeps those at or above the threshold (or, with an embedder,
 * at or above the similarity bar). An embedding failure falls back to the lexical score alone.
 */
export async function gateByRelevance<T extends GateItem>(
  question: string,
  items: readonly T[],
  policy: RelevancePolicy,
  embedder?: Embedder,
): Promise<{ scored: Scored<T>[]; record: RelevanceRecord }> {
  let similarity: number[] | undefined;
  if (embedder && items.length) {
    try {
      const [q, ...rest] = await embedder.embed([questionText(question), ...items.map((i) => i.text.slice(0, 2000))]);
      similarity = rest.map((v) => Math.round(cosine(q!, v) * 1000) / 1000);
    } catch {
      similarity = undefined;
    }
  }
  const scored = items.map((item, i): Scored<T> => {
    const { score, missing } = lexicalRelevance(question, item.text);
    const sim = similarity?.[i];
    const kept = score >= policy.threshold || (sim !== undefined && sim >= policy.minSimilarity);
    const reason = kept
      ? `relevance ${score}${sim !== undefined ? `, similarity ${sim}` : ''}`
      : `relevance ${score} < ${policy.threshold}${sim !== undefined ? ` and similarity ${sim} < ${policy.minSimilarity}` : ''}: lacks ${missing.join(', ')}`;
    return { item, score, ...(sim !== undefined ? { similarity: sim } : {}), kept, reason };
  });
  const record: RelevanceRecord = {
    method: similarity ? 'key_terms+embeddings' : 'key_terms',
    threshold: policy.threshold,
    ...(similarity ? { minSimilarity: policy.minSimilarity } : {}),
    kept: scored
      .filter((s) => s.kept)
      .map((s) => ({ label: s.item.label, score: s.score, ...(s.similarity !== undefined ? { similarity: s.similarity } : {}) })),
    dropped: scored
      .filter((s) => !s.kept)
      .map((s) => ({ label: s.item.label, score: s.score, ...(s.similarity !== undefined ? { similarity: s.similarity } : {}), reason: s.reason })),
  };
  return { scored, record };
}
