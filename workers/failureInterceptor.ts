/**
 * Every activity's errors become typed Temporal failures in one place (activities/failures.ts), so
 * activities stay plain code without try/catch wrappers. Innermost of the activity interceptors: metrics
 * and traces see the typed failure, as the workflow will.
 */
import type { Context } from '@temporalio/activity';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { toActivityFailure } from '../activities/failures';
import { redactSecrets } from '../common/redact';

export const typedFailures: ActivityInterceptorsFactory = (ctx: Context) => ({
  inbound: {
    async execute(input, next) {
      try {
        return await next(input);
      } catch (err) {
        throw redacted(toActivityFailure(err, ctx.info.attempt));
      }
    },
  },
});

/**
 * The failure with its messages and stacks redacted, its causes' too: they land in the workflow's history, so
 * a URL's credentials or query string, or a known secret, never does (common/redact.ts).
 */
function redacted(err: unknown): unknown {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
    const original = e.message;
    e.message = redactSecrets(original);
    if (e.stack) e.stack = redactSecrets(e.stack.replace(original, e.message));
  }
  return err;
}
