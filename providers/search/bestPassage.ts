/**
 * The snippet of a local document: the run of sentences around the one that mentions most of the
 * query's terms, about maxChars long, so the summariser sees the matching fact first.
 */
import { searchTerms, termMatches } from './searchTerms';

export function bestPassage(text: string, query: string, maxChars = 300): string {
  const sentences = text
    .split('\n')
    // Headings repeat the title the result already carries; the facts are in the prose.
    .filter((line) => !/^\s*#/.test(line))
    .flatMap((line) => line.split(/(?<=[.!?。！？])\s+/))
    .map((s) =>
      s
        .replace(/^[>*\-\s]+/, '')
        .replace(/\s+/g, ' ')
        .trim(),
    )
    .filter(Boolean);
  if (!sentences.length) return '';
  const queryTerms = [...new Set(searchTerms(query))];
  const scores = sentences.map((sentence) => {
    const terms = searchTerms(sentence);
    // Distinct query terms matter most, so each counts once however often the sentence repeats it.
    return queryTerms.filter((q) => terms.some((t) => termMatches(q, t))).length;
  });
  const best = scores.indexOf(Math.max(...scores));
  let first = best;
  let last = best;
  let length = sentences[best]!.length;
  // Grow forwards first (a fact's details tend to follow it), then backwards, while it fits.
  while (last + 1 < sentences.length && length + 1 + sentences[last + 1]!.length <= maxChars) length += 1 + sentences[++last]!.length;
  while (first > 0 && length + 1 + sentences[first - 1]!.length <= maxChars) length += 1 + sentences[--first]!.length;
  const passage = sentences.slice(first, last + 1).join(' ');
  return passage.length <= maxChars ? passage : `${passage.slice(0, maxChars - 1).trimEnd()}…`;
}
