/**
 * An activity's progress, kept where the heartbeat interceptor can repeat it. Every activity heartbeats
 * on the interceptor's timer; an activity that reports progress (the render: "rendered, bytes spooled")
 * has those details sent with every beat, so the next attempt reads them in `info.heartbeatDetails`
 * even when the attempt failed right after reporting.
 */
import { Context } from '@temporalio/activity';

const latest = new WeakMap<Context, unknown>();

export function reportProgress(details: unknown): void {
  reportProgressOn(Context.current(), details);
}

export function reportProgressOn(ctx: Context, details: unknown): void {
  latest.set(ctx, details);
  ctx.heartbeat(details);
}

export function lastProgress(ctx: Context): unknown {
  return latest.get(ctx);
}
