/**
 * Every activity's errors become typed Temporal failures in one place (activities/failures.ts), so
 * activities stay plain code without try/catch wrappers. Innermost of the activity interceptors: metrics
 * and traces see the typed failure, as the workflow will.
 *
 * Errors with an attempt cap (invalid model answers) are counted across attempts in the heartbeat details (the next attempt reads
 * them), so the cap counts bad answers only: attempts lost to a 429 or an outage do not use it up.
 */
import type { Context } from '@temporalio/activity';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { countsTowardsAttemptCap, toActivityFailure } from '../activities/failures';
import { lastProgress, reportProgressOn } from '../activities/progress';

interface InvalidOutputCount {
  invalidOutputs?: number;
}
import { redactSecrets } from '../common/redact';

export const typedFailures: ActivityInterceptorsFactory = (ctx: Context) => ({
  inbound: {
    async execute(input, next) {
      const earlier = (ctx.info.heartbeatDetails as InvalidOutputCount | undefined)?.invalidOutputs ?? 0;
      try {
        return await next(input);
      } catch (err) {
        const invalidOutputs = earlier + (countsTowardsAttemptCap(err) ? 1 : 0);
        // Carried to the next attempt with the activity's own progress, if it reported any.
        if (invalidOutputs > 0) reportProgressOn(ctx, { ...(lastProgress(ctx) as object | undefined), invalidOutputs });
        throw redacted(toActivityFailure(err, invalidOutputs));
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
