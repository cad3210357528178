/**
 * One redaction step for every error message that can reach a history, a log, a report or an HTTP answer:
 * URLs lose their userinfo and query string (where webhook and search secrets usually travel), and the
 * process's known secrets (API keys, tokens, the webhook secret, S3 credentials; registered by loadConfig)
 * are masked wherever they appear.
 */
const known = new Set<string>();

/** Secrets this process knows (too short a value would mask ordinary words, so those under 8 characters are skipped). */
export function registerSecrets(values: Iterable<string | undefined>): void {
  for (const v of values) if (v && v.length >= 8) known.add(v);
}

/**
 * The scheme is held to 32 characters (RFC 3986 sets no bound; every registered scheme fits): unbounded, a
 * long run of scheme characters without `://` was scanned again from each of its positions, quadratic in its
 * length. Bounded, each position costs at most 32 steps; the other parts are each scanned once per match.
 * No word boundary before it: a longer "scheme" then matches on its last 32 characters and is still redacted.
 */
const URL_PATTERN = /([a-z][a-z0-9+.-]{0,31}:\/\/)([^\s/?#'"<>]*@)?([^\s/?#'"<>]*)([^\s?#'"<>]*)(\?[^\s#'"<>]*)?(#[^\s'"<>]*)?/gi;

export function redactSecrets(text: string): string {
  let out = text.replace(URL_PATTERN, (_m, scheme: string, userinfo: string | undefined, host: string, path: string, query: string | undefined) => {
    return `${scheme}${userinfo ? '***@' : ''}${host}${path}${query ? '?…' : ''}`;
  });
  for (const secret of known) if (out.includes(secret)) out = out.split(secret).join('***');
  return out;
}
