/**
 * Every activity's errors become typed Temporal failures in one place (activities/failures.ts), so
 * activities stay plain code without try/catch wrappers. Innermost of the activity interceptors: metrics
 * and traces see the typed failure, as the workflow will.
 */
import type { Context } from '@temporalio/activity';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { toActivityFailure } from '../activities/failures';

export const typedFailures: ActivityInterceptorsFactory = (ctx: Context) => ({
  inbound: {
    async execute(input, next) {
      try {
        return await next(input);
      } catch (err) {
        throw toActivityFailure(err, ctx.info.attempt);
      }
    },
  },
});
