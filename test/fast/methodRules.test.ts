/**
 * The method's pure rules that the workflows read (common/generation.ts, common/reviewRules.ts): when the
 * feedback loop stops, what the next round is told, and what a result decision does. No server needed.
 */
import { feedbackFrom, stopAfterCritique, verdict, type ChecklistItem } from '../../common/generation';
import type { ReviewRecord } from '../../common/review';
import { resultOutcomeKind } from '../../common/reviewRules';

const checklist: ChecklistItem[] = [
  { id: 'apples', statement: 'The basket holds exactly 7 apples' },
  { id: 'title', statement: 'The title reads "Harvest"' },
];

describe('stopAfterCritique', () => {
  test('every item passed: the loop stops as all_passed', () => {
    expect(stopAfterCritique({ total: 2, verdicts: [verdict('apples', 'pass', ''), verdict('title', 'pass', '')] })).toBe('all_passed');
  });

  test('nothing failed but something went unverified: the loop stops, and does not claim a pass', () => {
    expect(stopAfterCritique({ total: 2, verdicts: [verdict('apples', 'pass', ''), verdict('title', 'unverified', 'judge down')] })).toBe('unverified');
  });

  test('a failed item keeps the loop going', () => {
    expect(stopAfterCritique({ total: 2, verdicts: [verdict('apples', 'fail', '6 apples'), verdict('title', 'unverified', '')] })).toBeUndefined();
  });

  test('an item the critic left out counts as failed, so a short answer never stops the loop', () => {
    expect(stopAfterCritique({ total: 2, verdicts: [verdict('apples', 'pass', '')] })).toBeUndefined();
  });

  test('an older critique with only pass flags is read through them', () => {
    expect(stopAfterCritique({ total: 1, verdicts: [{ itemId: 'apples', pass: true, reason: '' }] })).toBe('all_passed');
  });
});

describe('feedbackFrom', () => {
  test('carries each failed item with its statement and the critic’s reason, and nothing that passed or went unverified', () => {
    const feedback = feedbackFrom(
      2,
      'a basket of apples',
      { verdicts: [verdict('apples', 'fail', 'there are 6'), verdict('title', 'pass', ''), verdict('size', 'unverified', '')] },
      checklist,
    );
    expect(feedback).toEqual({
      round: 2,
      previousPrompt: 'a basket of apples',
      failed: [{ statement: 'The basket holds exactly 7 apples', reason: 'there are 6' }],
    });
  });

  test('the size check has its own statement; a verdict on an unknown item is dropped', () => {
    const feedback = feedbackFrom(
      3,
      'p',
      { verdicts: [verdict('size', 'fail', '512x512, not 1024x1024'), verdict('ghost', 'fail', 'no such item')] },
      checklist,
    );
    expect(feedback.failed).toEqual([{ statement: 'The image has the size the request names', reason: '512x512, not 1024x1024' }]);
  });
});

describe('resultOutcomeKind', () => {
  const record = (kind: ReviewRecord['kind'], decision: ReviewRecord['decision']): ReviewRecord => ({
    kind,
    decision,
    reviewer: 'r',
    at: '2026-12-03T00:00:00Z',
    via: 'update',
  });

  test('approve ends the run approved, whatever came before', () => {
    expect(
      resultOutcomeKind(
        Array.from({ length: 12 }, () => record('result', 'reject')),
        'approve',
      ),
    ).toBe('approved');
  });

  test('a reject starts a new round until the tenth result rejection, which ends the run rejected', () => {
    const decided: ReviewRecord[] = [];
    const kinds: string[] = [];
    for (let i = 0; i < 10; i++) {
      decided.push(record('result', 'reject'));
      kinds.push(resultOutcomeKind(decided, 'reject'));
    }
    expect(kinds.slice(0, 9).every((k) => k === 'rejected_with_feedback')).toBe(true);
    expect(kinds[9]).toBe('rejected');
  });

  test('plan rejections and timeouts do not count towards the result limit', () => {
    const decided = [...Array.from({ length: 9 }, () => record('plan', 'reject')), record('result', 'timeout'), record('result', 'reject')];
    expect(resultOutcomeKind(decided, 'reject')).toBe('rejected_with_feedback');
  });
});
