/**
 * The golden table for the WISE-Verified answer parser: answer texts and the score the official evaluator's
 * rule gives them (null: no score, so the judge is asked again). Several rows are exactly where our earlier
 * parser and the official rule disagreed: the first match wins over the last, `Score 1` without a colon,
 * a bare `1`, a score mid-sentence, a full-width colon, think blocks.
 */
import { parseWiseScore } from '../benchmarks/judge/wiseJudge';

const GOLDEN: ReadonlyArray<readonly [string, 0 | 1 | null]> = [
  ['Score: 1', 1],
  ['Score: 0', 0],
  ['score:1', 1],
  ['SCORE : 0', 0],
  ['Score 1', 1],
  ['Score1', null], // the digit must be a whole word
  ['Score:1', 1],
  ['**Score**: 1', 1],
  ['**Score: 1**', 1],
  ['*Score*: 0', 0],
  ['**Score:** 1', null], // asterisks between the colon and the digit are not allowed
  ['Score：1', null], // a full-width colon does not count…
  ['Score：1\n1', 1], // …but the one bare line does
  ['The image shows mooncakes.\nScore: 1', 1],
  ['Score: 0\nOn reflection the tower is correct.\nScore: 1', 0], // the first match wins
  ['I would give it a Score 1 because the tower is right.', 1], // mid-sentence counts
  ['Final score: 1', 1],
  ['## Score: 0', 0],
  ['Score: 1.', 1],
  ['Score: 0.5', 0], // "0" is a whole word before the dot
  ['Score: 10', null],
  ['Score: 2', null],
  ['Score: yes', null],
  ['Score:\n1', 1], // whitespace includes the newline
  ['1', 1],
  ['  0  ', 0],
  ['The image is right.\n1\n', 1],
  ['1\n0', null], // two lines hold a bare digit
  ['1\n1', null],
  ['My score would be 1', null],
  ['Rating: 1', null],
  ['', null],
  ['<think>Score: 0 seems harsh; the tower is right.</think>\nScore: 1', 1],
  ['<think>maybe 0</think>\n1', 1],
  ['reasoning about the image</think>Score: 0', 0], // a stray closing tag is dropped
  ['<think>Score: 1</think>', null],
  ['Subscore: 1', 1], // no word boundary is asked before "Score"
  ['Scores: 1', null],
  ['Score: 1_', null],
  ['Score: 1é', null], // Python's \b is Unicode-aware: é is a word character
  ["I can't help with that.", null],
];

describe('WISE-Verified answer parser: the official rule', () => {
  test('the golden table has at least 30 rows', () => {
    expect(GOLDEN.length).toBeGreaterThanOrEqual(30);
  });

  test.each(GOLDEN)('%j → %p', (text, expected) => {
    const parsed = parseWiseScore(text);
    if (expected === null) expect(parsed.outcome).not.toBe('judged');
    else expect(parsed).toEqual({ outcome: 'judged', score: expected });
  });

  test('an answer with no score is refused or unparseable, with the raw text', () => {
    expect(parseWiseScore("I'm sorry, but I can't evaluate this image.")).toEqual({ outcome: 'refused', raw: "I'm sorry, but I can't evaluate this image." });
    expect(parseWiseScore('**Score:** 1')).toEqual({ outcome: 'unparseable', raw: '**Score:** 1' });
  });
});
