/**
 * The one JSON text scanner: walks JSON-ish text and reports every character outside string literals
 * (the opening quote of a string included, its contents and closing quote not), so brackets inside strings
 * never count. Used to find balanced values in a model's prose and the elements of a suite file's array.
 */
export function* outsideStrings(text: string, from = 0): Generator<{ index: number; ch: string }> {
  let inString = false;
  let escaped = false;
  for (let index = from; index < text.length; index++) {
    const ch = text[index]!;
    if (inString) {
      if (escaped) escaped = false;
      else if (ch === '\\') escaped = true;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') inString = true;
    yield { index, ch };
  }
}
