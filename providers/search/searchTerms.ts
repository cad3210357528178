/**
 * How the offline backends split text into search terms: lowercase letter/digit runs, minus the
 * function words that would otherwise make every document match a question.
 */

const STOP_WORDS = new Set(
  (
    'a an and are as at be been by can could did do does for from had has have how i in into is it its ' +
    'me my of on or our show that the their them there these this those to today was we were what when ' +
    'where which who why will with you your draw make image picture please'
  ).split(' '),
);

/** One term, lowercased, or undefined when it carries no meaning for search. */
export function normaliseTerm(term: string): string | undefined {
  const lower = term.toLowerCase();
  // Single Latin letters are leftovers of contractions ("today's" → "s").
  return lower && !STOP_WORDS.has(lower) && !/^[a-z]$/.test(lower) ? lower : undefined;
}

/** The meaningful terms of a text, in order, duplicates kept. */
export function searchTerms(text: string): string[] {
  return text
    .split(/[^\p{L}\p{N}]+/u)
    .map(normaliseTerm)
    .filter((t): t is string => t !== undefined);
}

/** A text's term matches a query term when equal, or when it extends a query term of 3+ letters ("melt" → "melting"). */
export function termMatches(queryTerm: string, term: string): boolean {
  return term === queryTerm || (queryTerm.length >= 3 && term.startsWith(queryTerm));
}
