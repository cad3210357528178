/** Throws on the first repeated key: a case reported twice would be counted twice in every rate. */
export function assertUnique<T>(items: Iterable<T>, keyOf: (item: T) => string | number, label: string): void {
  const seen = new Set<string | number>();
  for (const item of items) {
    const key = keyOf(item);
    if (seen.has(key)) throw new Error(`${label} ${key} appears more than once in the results`);
    seen.add(key);
  }
}
