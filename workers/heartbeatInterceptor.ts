/**
 * Every activity heartbeats while it runs, so the workflows can give model and search calls a short
 * heartbeatTimeout: when a worker dies mid-call, Temporal retries the call elsewhere within seconds instead of
 * waiting out a start-to-close timeout sized for the slowest model.
 */
import type { Context } from '@temporalio/activity';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';

export const HEARTBEAT_EVERY_MS = 3_000;

export const heartbeatWhileRunning: ActivityInterceptorsFactory = (ctx: Context) => ({
  inbound: {
    async execute(input, next) {
      const timer = setInterval(() => ctx.heartbeat(), HEARTBEAT_EVERY_MS);
      try {
        return await next(input);
      } finally {
        clearInterval(timer);
      }
    },
  },
});
