/**
 * JSON values embedded in a model's free text: inside code fences, or as balanced `{…}` / `[…]`
 * spans amid prose. Returned in the order they appear.
 */

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
  let inString = false;
  let escaped = false;
  for (let i = start; i < text.length; i++) {
    const ch = text[i]!;
    if (inString) {
      if (escaped) escaped = false;
      else if (ch === '\\') escaped = true;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') inString = true;
    else if (ch === '{') stack.push('}');
    else if (ch === '[') stack.push(']');
    else if (ch === '}' || ch === ']') {
      if (stack.pop() !== ch) return undefined;
      if (stack.length === 0) return i;
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
