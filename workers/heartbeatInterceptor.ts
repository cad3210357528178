/**
 * Every activity heartbeats while it runs, so the workflows can give model and search calls a short
 * heartbeatTimeout: when a worker dies mid-call, Temporal retries the call elsewhere within seconds instead of
 * waiting out a start-to-close timeout sized for the slowest model. Each beat carries the activity's last
 * reported progress (activities/progress.ts), so beats never erase it.
 */
import type { Context } from '@temporalio/activity';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { lastProgress } from '../activities/progress';

const HEARTBEAT_EVERY_MS = 3_000;

export const heartbeatWhileRunning: ActivityInterceptorsFactory = (ctx: Context) => ({
  inbound: {
    async execute(input, next) {
      // A local activity has no heartbeat: its workflow task stands in for it.
      if (ctx.info.isLocal) return next(input);
      const timer = setInterval(() => ctx.heartbeat(lastProgress(ctx)), HEARTBEAT_EVERY_MS);
      try {
        return await next(input);
      } finally {
        clearInterval(timer);
      }
    },
  },
});
