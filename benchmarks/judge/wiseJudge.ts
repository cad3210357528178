/** The WISE-Verified judge: the prompt a VLM is given and the parser for its `Score: 0|1` line. */
import type { JudgePrompt } from './judgePrompt';
import { sha256Of } from './promptTemplate';
import { looksLikeRefusal } from './refusal';
import { stripThinkBlocks } from './thinkBlocks';
import { truncateRaw, type WiseJudgement } from './verdicts';

export interface WiseJudgeRequest {
  prompt: string;
  /** WISE's explanation of what the prompt implicitly asks for. */
  explanation: string;
}

const SYSTEM = [
  'You are a strict evaluator of text-to-image generation that requires world knowledge.',
  'You are given the prompt, an explanation of what the prompt actually refers to and must show, and the generated image.',
  'Give score 1 only if the image correctly depicts what the explanation says the prompt requires, with no contradicting content; otherwise give score 0.',
  'Judge the knowledge and the content, not the artistic quality.',
  'You may explain briefly, then end with a line of exactly the form:',
  'Score: 0',
  'or',
  'Score: 1',
].join('\n');

/** How reports name this prompt; the hash changes whenever its instructions do. */
export const BUILT_IN_WISE_JUDGE_PROMPT = { name: 'image-agent WISE judge', sha256: sha256Of(SYSTEM) } as const;

export function buildWiseJudgePrompt(req: WiseJudgeRequest): JudgePrompt {
  const user = [
    `Prompt:\n${req.prompt}`,
    `Explanation:\n${req.explanation}`,
    'The attached image is the generated image. End your answer with "Score: 0" or "Score: 1".',
  ].join('\n\n');
  return { system: SYSTEM, user, images: ['generated'] };
}

/**
 * The official WISE-Verified rule, on the raw answer:
 * 1. `<think>…</think>` blocks and any stray `</think>` are removed;
 * 2. the first match anywhere of "Score" (up to two asterisks either side), optional whitespace, an optional
 *    ASCII colon (a full-width colon does not count), optional whitespace, then 0 or 1 as a whole word,
 *    ignoring case;
 * 3. failing that, an answer in which exactly one line holds only 0 or 1 (whitespace around it allowed).
 * Re-asking on failure is the judge activity's job (`WISE_JUDGE_ATTEMPTS`).
 */
export function parseWiseScore(text: string): WiseJudgement {
  const score = officialWiseScore(text);
  if (score !== undefined) return { outcome: 'judged', score };
  return { outcome: looksLikeRefusal(text) ? 'refused' : 'unparseable', raw: truncateRaw(text) };
}

/** Attempts in all before a case is given up as unparseable or refused, as the official evaluator does. */
export const WISE_JUDGE_ATTEMPTS = 3;

// "Whole word" in Python's Unicode sense: no letter, digit or underscore on either side of the digit.
const SCORE_PATTERN = /\*{0,2}score\*{0,2}\s*:?\s*(?<![\p{L}\p{N}_])([01])(?![\p{L}\p{N}_])/iu;

function officialWiseScore(text: string): 0 | 1 | undefined {
  const answer = stripThinkBlocks(text);
  const match = SCORE_PATTERN.exec(answer);
  if (match) return match[1] === '1' ? 1 : 0;
  const bare = answer
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line === '0' || line === '1');
  return bare.length === 1 ? (bare[0] === '1' ? 1 : 0) : undefined;
}
