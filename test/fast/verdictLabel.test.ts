/** The CLI names a verdict by its status: an unverified item (the offline critic's) is never printed as FAIL. Needs no stack. */
import { verdictLabel } from '../../client/printRun';
import { verdict } from '../../common/generation';

test('pass, FAIL and unverified read as what they are, older verdicts without a status by their pass flag', () => {
  expect(verdictLabel(verdict('c1', 'pass', 'seen'))).toBe('pass');
  expect(verdictLabel(verdict('c1', 'fail', 'missing'))).toBe('FAIL');
  expect(verdictLabel(verdict('c1', 'unverified', 'no model looked at the image'))).toBe('unverified');
  expect(verdictLabel({ pass: false })).toBe('FAIL');
  expect(verdictLabel({ pass: true })).toBe('pass');
});
