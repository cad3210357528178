/** The WISE-Verified judge: the prompt a VLM is given and the parser for its `Score: 0|1` line. */
import type { JudgePrompt } from './judgePrompt';
import { looksLikeRefusal } from './refusal';
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

export function buildWiseJudgePrompt(req: WiseJudgeRequest): JudgePrompt {
  const user = [`Prompt:\n${req.prompt}`, `Explanation:\n${req.explanation}`, 'The attached image is the generated image. End your answer with "Score: 0" or "Score: 1".'].join('\n\n');
  return { system: SYSTEM, user, images: ['generated'] };
}

/**
 * A line that starts (after markdown such as `**`, `#`, `>`, `-`) with `Score` or `Final score`,
 * a colon (ASCII or full-width `：`) and 0 or 1, not followed by more digits ("Score: 0.5" and
 * "Score: 10" are not scores). When several lines qualify the last wins, as the answer ends with it.
 */
export function parseWiseScore(text: string): WiseJudgement {
  let score: 0 | 1 | undefined;
  for (const line of text.split(/\r?\n/)) {
    const plain = line.replace(/[*_`]/g, '').replace(/：/g, ':').replace(/^[\s#>-]+/, '');
    const match = /^(?:final\s+)?score\s*:\s*([01])(?!\s*[.,]?\d)/i.exec(plain);
    if (match) score = match[1] === '1' ? 1 : 0;
  }
  if (score !== undefined) return { outcome: 'judged', score };
  return { outcome: looksLikeRefusal(text) ? 'refused' : 'unparseable', raw: truncateRaw(text) };
}
