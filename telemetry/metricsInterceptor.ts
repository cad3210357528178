/**
 * An activity interceptor that turns every activity attempt into metrics: executions and durations per
 * activity type, and the domain counters that map onto activities (renders, grounding, checklist verdicts,
 * webhooks, batch cases, run reports). Activities themselves stay free of metrics code.
 */
import { CancelledFailure, type Context } from '@temporalio/activity';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import type { Prices } from '../common/config';
import { GROUNDING_ROUTES, groundingRouteOf } from '../common/groundingRoutes';
import { verdictStatus, type Critique } from '../common/generation';
import type { RunReport } from '../common/runResult';
import * as m from './appMetrics';
import { recordRunReport } from './runReportMetrics';

export interface MetricsInterceptorOptions {
  prices: Prices;
  /** The configured image model, the label of a render that failed before the model answered. */
  imageModel: string;
}

export function activityMetrics(options: MetricsInterceptorOptions): ActivityInterceptorsFactory {
  return (ctx: Context) => ({
    inbound: {
      async execute(input, next) {
        const activity = ctx.info.activityType;
        const endTimer = m.activityDuration.startTimer({ activity });
        const rendering = activity === 'renderImage';
        if (rendering) m.rendersInFlight.inc();
        let outcome: 'completed' | 'failed' | 'cancelled' = 'failed';
        try {
          const result = await next(input);
          outcome = 'completed';
          onCompleted(activity, input.args, result, options);
          return result;
        } catch (err) {
          outcome = err instanceof CancelledFailure ? 'cancelled' : 'failed';
          if (rendering) m.renders.inc({ model: options.imageModel, outcome: 'failed' });
          throw err;
        } finally {
          endTimer();
          if (rendering) m.rendersInFlight.dec();
          m.activityExecutions.inc({ activity, outcome });
          const route = groundingRouteOf(activity);
          if (route) m.groundingCalls.inc({ source: GROUNDING_ROUTES[route].metricSource, outcome: outcome === 'completed' ? 'ok' : outcome });
          if (activity === 'deliverWebhook') m.webhookDeliveries.inc({ outcome: outcome === 'completed' ? 'delivered' : 'failed' });
          if (activity === 'judgeCase') m.batchCases.inc({ outcome });
        }
      },
    },
  });
}

function onCompleted(activity: string, args: unknown[], result: unknown, options: MetricsInterceptorOptions): void {
  switch (activity) {
    case 'renderImage':
      m.renders.inc({ model: (result as { model: string }).model, outcome: 'ok' });
      break;
    case 'critiqueImage':
      for (const v of (result as Critique).verdicts) m.checklistVerdicts.inc({ verdict: verdictStatus(v) });
      break;
    case 'writeReport':
      recordRunReport(args[0] as Omit<RunReport, 'cost'>, options.prices);
      break;
    case 'writeBatchReport':
      m.batchesReported.inc();
      break;
  }
}
