/**
 * JSON values embedded in a model's free text: inside code fences, or as balanced `{…}` / `[…]`
 * spans amid prose. Returned in the order they appear.
 */
import { outsideStrings } from '../jsonScan';

export function embeddedJsonValues(text: string): unknown[] {
  const values: unknown[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '{' || ch === '[') {
      const end = matchingClose(text, i);
      if (end !== undefined) {
        const parsed = tryParse(text.slice(i, end + 1));
        if (parsed.ok) {
          values.push(parsed.value);
          i = end + 1;
          continue;
        }
      }
    }
    i++;
  }
  return values;
}

/** Index of the bracket closing the one at `start`, respecting strings; undefined when unbalanced. */
function matchingClose(text: string, start: number): number | undefined {
  const stack: string[] = [];
  for (const { index, ch } of outsideStrings(text, start)) {
    if (ch === '{') stack.push('}');
    else if (ch === '[') stack.push(']');
    else if (ch === '}' || ch === ']') {
      if (stack.pop() !== ch) return undefined;
      if (stack.length === 0) return index;
    }
  }
  return undefined;
}

function tryParse(candidate: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(candidate) };
  } catch {
    return { ok: false };
  }
}
