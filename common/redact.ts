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

const URL_PATTERN = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/?#'"<>]*@)?([^\s/?#'"<>]*)([^\s?#'"<>]*)(\?[^\s#'"<>]*)?(#[^\s'"<>]*)?/gi;

export function redactSecrets(text: string): string {
  let out = text.replace(URL_PATTERN, (_m, scheme: string, userinfo: string | undefined, host: string, path: string, query: string | undefined) => {
    return `${scheme}${userinfo ? '***@' : ''}${host}${path}${query ? '?…' : ''}`;
  });
  for (const secret of known) if (out.includes(secret)) out = out.split(secret).join('***');
  return out;
}
