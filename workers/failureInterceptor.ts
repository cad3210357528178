/**
 * Every activity's errors become typed Temporal failures in one place (activities/failures.ts), so
 * activities stay plain code without try/catch wrappers. Innermost of the activity interceptors: metrics
 * and traces see the typed failure, as the workflow will.
 *
 * Invalid model answers are counted across attempts in the heartbeat details (the next attempt reads
 * them), so the cap counts bad answers only: attempts lost to a 429 or an outage do not use it up.
 */
import type { Context } from '@temporalio/activity';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { toActivityFailure } from '../activities/failures';
import { lastProgress, reportProgressOn } from '../activities/progress';
import { InvalidModelOutputError } from '../providers/modelErrors';

interface InvalidOutputCount {
  invalidOutputs?: number;
}

export const typedFailures: ActivityInterceptorsFactory = (ctx: Context) => ({
  inbound: {
    async execute(input, next) {
      const earlier = (ctx.info.heartbeatDetails as InvalidOutputCount | undefined)?.invalidOutputs ?? 0;
      try {
        return await next(input);
      } catch (err) {
        const invalidOutputs = earlier + (err instanceof InvalidModelOutputError ? 1 : 0);
        // Carried to the next attempt with the activity's own progress, if it reported any.
        if (invalidOutputs > 0) reportProgressOn(ctx, { ...(lastProgress(ctx) as object | undefined), invalidOutputs });
        throw toActivityFailure(err, invalidOutputs);
      }
    },
  },
});
