/**
 * The redaction step (common/redact.ts) on input built against it: URLs lose userinfo and query string, and
 * an input that made the old URL pattern quadratic (a long run of scheme characters broken by dots, with no
 * `://`: the unbounded scheme was rescanned from each position) is redacted correctly in linear steps. The
 * linearity itself (time per byte stays flat as the input doubles) is a property of the pattern's bounded
 * scheme, not asserted on wall time here.
 */
import { redactSecrets } from '../common/redact';

describe('redactSecrets', () => {
  test('URLs keep scheme, host and path, and lose userinfo and query', () => {
    expect(redactSecrets('failed: https://user:pw@hooks.example/p/secret-path?token=abc#frag and more')).toBe(
      'failed: https://***@hooks.example/p/secret-path?… and more',
    );
  });

  test('adversarial input for the old pattern: long runs of scheme characters without ://, around real URLs', () => {
    const run = 'a.'.repeat(100_000);
    expect(redactSecrets(run)).toBe(run);
    const mixed = `${run}https://u:p@h.example/x?k=v ${'b-'.repeat(50_000)}s3://key:secret@bucket/o?sig=1`;
    expect(redactSecrets(mixed)).toBe(`${run}https://***@h.example/x?… ${'b-'.repeat(50_000)}s3://***@bucket/o?…`);
    // A scheme longer than 32 characters is not a scheme: the URL is still redacted from the last 32.
    const longScheme = `${'x'.repeat(40)}://u:p@h/?q`;
    expect(redactSecrets(longScheme)).not.toContain('u:p');
    expect(redactSecrets(longScheme)).not.toContain('?q');
  });
});
