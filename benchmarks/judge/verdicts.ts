/**
 * What a benchmark case ends with. The judge's own failures (refused, unparseable, error) are kept
 * apart from verdicts so that no metric can mistake them for a 0; a missing image is the system's
 * failure, not the judge's, and is scored as a verdict of "nothing passes".
 */

/** The judge answered, but not with a verdict. `raw` is its answer, truncated. */
export interface JudgeNonAnswer {
  outcome: 'unparseable' | 'refused';
  raw: string;
}

export type ChecklistJudgement = { outcome: 'judged'; results: boolean[]; notes: string[] } | JudgeNonAnswer;

export type WiseJudgement = { outcome: 'judged'; score: 0 | 1 } | JudgeNonAnswer;

/** The judge call itself failed after its retries (transport, timeout, content filter on the judge). */
export interface JudgeCallError {
  outcome: 'error';
  message: string;
}

/** The system under test produced no image (refusal, crash, timeout). */
export interface NoImage {
  outcome: 'no_image';
  message: string;
}

export type ChecklistVerdict = ChecklistJudgement | JudgeCallError | NoImage;
export type WiseVerdict = WiseJudgement | JudgeCallError | NoImage;

/** Outcomes where the judge gave no verdict; counted separately everywhere. */
type UnjudgedOutcome = 'refused' | 'unparseable' | 'error';
const UNJUDGED_OUTCOMES: readonly UnjudgedOutcome[] = ['refused', 'unparseable', 'error'];

export function isUnjudged(verdict: { outcome: string }): verdict is JudgeNonAnswer | JudgeCallError {
  return (UNJUDGED_OUTCOMES as readonly string[]).includes(verdict.outcome);
}

/** Judge answers are kept for diagnosis, not archived whole: results travel through Temporal payloads. */
const RAW_LIMIT = 2000;

export function truncateRaw(text: string): string {
  return text.length <= RAW_LIMIT ? text : `${text.slice(0, RAW_LIMIT)}… [${text.length - RAW_LIMIT} more characters]`;
}
