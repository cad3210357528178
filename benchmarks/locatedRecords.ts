/** Reading JSON Lines and JSON arrays while keeping the line each record (and each field) came from. */
import type { SuiteProblem } from './suiteFormatError';
import { outsideStrings } from './jsonScan';

export interface LocatedRecord {
  /** 1-based line where the record starts. */
  line: number;
  value: unknown;
  /** Line of a top-level field of this record; the record's own line when the field is absent. */
  lineOf(field: string): number;
}

/** Blank lines are allowed (editors add them); every other line must be one JSON value. */
export function parseJsonLines(file: string, text: string): { records: LocatedRecord[]; problems: SuiteProblem[] } {
  const records: LocatedRecord[] = [];
  const problems: SuiteProblem[] = [];
  stripBom(text)
    .split(/\r?\n/)
    .forEach((content, index) => {
      const line = index + 1;
      if (content.trim() === '') return;
      try {
        records.push({ line, value: JSON.parse(content), lineOf: () => line });
      } catch (err) {
        problems.push({ file, line, field: '', message: `not valid JSON (${(err as Error).message})` });
      }
    });
  return { records, problems };
}

/**
 * A file holding one JSON array of flat records. JSON.parse loses positions, so one pass over the
 * text finds where each top-level element starts and ends; a field's line is where its key appears.
 */
export function parseJsonArray(file: string, text: string): { records: LocatedRecord[]; problems: SuiteProblem[] } {
  const source = stripBom(text);
  let value: unknown;
  try {
    value = JSON.parse(source);
  } catch (err) {
    const message = (err as Error).message;
    return { records: [], problems: [{ file, line: syntaxErrorLine(source, message), field: '', message: `not valid JSON (${message})` }] };
  }
  if (!Array.isArray(value)) {
    return { records: [], problems: [{ file, line: 1, field: '', message: 'expected a JSON array of records' }] };
  }
  const spans = topLevelElementSpans(source);
  const lineAt = lineLocator(source);
  const records = value.map((element, i): LocatedRecord => {
    const span = spans[i] ?? { start: 0, end: source.length };
    const line = lineAt(span.start);
    return {
      line,
      value: element,
      lineOf(field) {
        if (field === '') return line;
        const key = source.slice(span.start, span.end).search(new RegExp(`"${escapeRegExp(field)}"\\s*:`));
        return key < 0 ? line : lineAt(span.start + key);
      },
    };
  });
  return { records, problems: [] };
}

/** Offsets of the elements of the outermost array, skipping over strings so brackets inside them do not count. */
function topLevelElementSpans(text: string): Array<{ start: number; end: number }> {
  const spans: Array<{ start: number; end: number }> = [];
  let depth = 0;
  let current: { start: number; end: number } | undefined;
  for (const { index: i, ch } of outsideStrings(text)) {
    if (depth === 1 && current === undefined && !/[\s,\]]/.test(ch)) current = { start: i, end: i };
    if (ch === '[' || ch === '{') depth++;
    else if (ch === ']' || ch === '}') depth--;
    if (current !== undefined && ((depth === 1 && ch === ',') || depth === 0)) {
      current.end = i;
      spans.push(current);
      current = undefined;
    }
  }
  return spans;
}

/** V8 reports either "(line L column C)" (Node 22+) or "at position P" (Node 20). */
function syntaxErrorLine(text: string, message: string): number {
  const lineMatch = /\(line (\d+) column \d+\)/.exec(message);
  if (lineMatch) return Number(lineMatch[1]);
  const positionMatch = /at position (\d+)/.exec(message);
  const lineAt = lineLocator(text);
  if (positionMatch) return lineAt(Number(positionMatch[1]));
  // "Unexpected end of JSON input" and the like: the problem is at the end.
  return lineAt(text.length);
}

/** Offset → 1-based line, by binary search over line starts (a 1,000-record file asks 1,000 times). */
function lineLocator(text: string): (offset: number) => number {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
