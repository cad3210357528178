/**
 * One set of limits for the text a caller sends (requests, review decisions, batch records), shared by
 * the API and CLI schemas and by the workflows' update validators. Text that a store cannot hold — a NUL,
 * which Postgres refuses, other control characters, unpaired surrogates, which are not valid UTF-8 — is
 * refused at the edge, before any run starts. Pure: workflow code imports it.
 */
export const TEXT_LIMITS = {
  request: 8000,
  feedback: 2000,
  instructions: 8000,
  prompt: 8000,
  reviewer: 128,
  objectKey: 1024,
  /** One statement of a checklist a reviewer edits. */
  checklistItem: 500,
  /** A reviewer's question to the agent about a waiting run. */
  reviewQuestion: 2000,
} as const;

// C0 controls except tab, line feed and carriage return; DEL; C1 controls.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** What is wrong with a text, or undefined when a store can hold it. */
export function textProblem(text: string, max: number): string | undefined {
  const control = CONTROL.exec(text);
  if (control) {
    const code = control[0].codePointAt(0)!;
    return `contains the control character U+${code.toString(16).toUpperCase().padStart(4, '0')}${code === 0 ? ' (NUL)' : ''} at position ${control.index}`;
  }
  if (LONE_SURROGATE.test(text)) return 'is not valid Unicode (an unpaired surrogate)';
  if (text.length > max) return `is longer than ${max} characters`;
  return undefined;
}
