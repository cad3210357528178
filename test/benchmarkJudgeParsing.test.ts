/** Judge prompts and answer parsing for checklist (IA-Bench, MindBench) and WISE-Verified judging. */
import { buildChecklistJudgePrompt, parseChecklistJudgement } from '../benchmarks/judge/checklistJudge';
import { buildWiseJudgePrompt, parseWiseScore } from '../benchmarks/judge/wiseJudge';

describe('checklist judge prompt', () => {
  test('numbers the checklist, states the temperature tolerance and strictness, orders images', () => {
    const prompt = buildChecklistJudgePrompt({
      checklist: ['The card names Hangzhou.', 'The high is 14 °C.'],
      referenceText: 'Hangzhou, high 14 °C',
      referenceImages: 1,
    });
    expect(prompt.user).toContain('1. The card names Hangzhou.\n2. The high is 14 °C.');
    expect(prompt.user).toContain('Reference (ground truth):\nHangzhou, high 14 °C');
    expect(prompt.user).toContain('exactly 2 booleans');
    expect(prompt.system).toContain('±3 °C (±5.4 °F)');
    expect(prompt.system).toMatch(/strict/i);
    expect(prompt.system).toContain('{"results": [true, false, ...]}');
    expect(prompt.images).toEqual(['generated', 'reference']);
  });

  test('without references only the generated image is attached', () => {
    const prompt = buildChecklistJudgePrompt({ checklist: ['A cat.'] });
    expect(prompt.images).toEqual(['generated']);
    expect(prompt.user).not.toContain('Reference');
  });
});

describe('parseChecklistJudgement', () => {
  test('plain JSON', () => {
    expect(parseChecklistJudgement('{"results": [true, false, true]}', 3)).toEqual({ outcome: 'judged', results: [true, false, true], notes: [] });
  });

  test('code fences and surrounding prose', () => {
    const text = 'Let me check each item.\n```json\n{\n  "results": [true, true]\n}\n```\nBoth items hold.';
    expect(parseChecklistJudgement(text, 2)).toEqual({ outcome: 'judged', results: [true, true], notes: [] });
  });

  test('the last results object wins when the format is restated first', () => {
    const text = 'Format: {"results": [false, false]}. My answer: {"results": [true, false]}';
    expect(parseChecklistJudgement(text, 2)).toMatchObject({ results: [true, false] });
  });

  test('yes/no, true/false and 0/1 strings and numbers are accepted', () => {
    const parsed = parseChecklistJudgement('{"results": ["yes", "No", " TRUE ", "false", 1, 0, "1", "0"]}', 8);
    expect(parsed).toEqual({ outcome: 'judged', results: [true, false, true, false, true, false, true, false], notes: [] });
  });

  test('a bare array is accepted when it is the only JSON in the answer', () => {
    expect(parseChecklistJudgement('[true, "no"]', 2)).toMatchObject({ outcome: 'judged', results: [true, false] });
  });

  test('missing entries count as false, with a note', () => {
    const parsed = parseChecklistJudgement('{"results": [true]}', 3);
    expect(parsed).toEqual({ outcome: 'judged', results: [true, false, false], notes: ['2 of 3 answers missing; counted as false'] });
  });

  test('extra entries are dropped, with a note', () => {
    const parsed = parseChecklistJudgement('{"results": [true, true, false, false]}', 2);
    expect(parsed).toEqual({ outcome: 'judged', results: [true, true], notes: ['2 extra answers dropped'] });
  });

  test('an entry that is not yes/no counts as false, with a note', () => {
    const parsed = parseChecklistJudgement('{"results": [true, "maybe", null]}', 3);
    expect(parsed).toMatchObject({ outcome: 'judged', results: [true, false, false] });
    if (parsed.outcome !== 'judged') throw new Error('expected a verdict');
    expect(parsed.notes).toEqual(['answer 2 ("maybe") is not yes/no; counted as false', 'answer 3 (null) is not yes/no; counted as false']);
  });

  test('braces inside strings do not confuse extraction', () => {
    expect(parseChecklistJudgement('{"reason": "the sign reads \\"{open}\\" ]", "results": [false, true]}', 2)).toMatchObject({ results: [false, true] });
  });

  test('refusals are flagged as refused, with the raw answer', () => {
    for (const text of [
      "I can't help with that.",
      'I’m sorry, but I cannot evaluate this image.',
      'I am unable to assess images of real people.',
      'This request violates our content policy.',
    ]) {
      expect(parseChecklistJudgement(text, 2)).toEqual({ outcome: 'refused', raw: text });
    }
  });

  test('garbage and malformed JSON are flagged as unparseable', () => {
    for (const text of ['', 'Looks good to me!', '{"results": [true, false', '{"verdict": "pass"}', '{"results": "true, false"}']) {
      expect(parseChecklistJudgement(text, 2)).toEqual({ outcome: 'unparseable', raw: text });
    }
  });

  test('a hedged answer that still holds a verdict is a verdict', () => {
    expect(parseChecklistJudgement('I cannot be fully sure, but: {"results": [true, true]}', 2)).toMatchObject({ outcome: 'judged', results: [true, true] });
  });

  test('a long raw answer is truncated', () => {
    const parsed = parseChecklistJudgement('x'.repeat(5000), 1);
    expect(parsed.outcome).toBe('unparseable');
    if (parsed.outcome === 'judged') throw new Error('unexpected verdict');
    expect(parsed.raw.length).toBeLessThan(2100);
    expect(parsed.raw).toContain('[3000 more characters]');
  });
});

describe('WISE judge', () => {
  test('the prompt carries the prompt, the explanation and the answer format', () => {
    const prompt = buildWiseJudgePrompt({ prompt: 'The pastry of the Mid-Autumn Festival', explanation: 'Mooncakes' });
    expect(prompt.user).toContain('Prompt:\nThe pastry of the Mid-Autumn Festival');
    expect(prompt.user).toContain('Explanation:\nMooncakes');
    expect(prompt.system).toContain('Score: 0');
    expect(prompt.system).toContain('Score: 1');
    expect(prompt.images).toEqual(['generated']);
  });

  // The answer texts and their scores under the official rule are the golden table in wiseScoreParser.test.ts.

  test('refusals are flagged as refused', () => {
    expect(parseWiseScore("I can't help with that.")).toEqual({ outcome: 'refused', raw: "I can't help with that." });
    expect(parseWiseScore("I'm sorry, but I can't evaluate this image.").outcome).toBe('refused');
  });
});
