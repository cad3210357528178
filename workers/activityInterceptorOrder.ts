/**
 * The activity interceptors, by name, in the order they wrap an activity: the first is outermost. The SDK
 * takes them as an array, so their order used to be array positions spread over two call sites; here it is
 * written once. Why each sits where it does:
 * - tenantScope: outermost, so everything inside runs with the run's tenant, and a foreign run is refused
 *   before any work or metric;
 * - heartbeat: around everything that may take long, so a dead worker is noticed in seconds;
 * - metrics and tracing: see each attempt's outcome as the SDK will, after the failure is typed;
 * - claimCheck (orchestration only): just outside typedFailures, so an object-storage error is retried like
 *   any other failure;
 * - typedFailures: innermost, so every error the activity raises is mapped before anything else sees it.
 */
import type { ActivityInterceptorsFactory } from '@temporalio/worker';

export const ACTIVITY_INTERCEPTOR_ORDER = ['tenantScope', 'heartbeat', 'metrics', 'tracing', 'claimCheck', 'typedFailures'] as const;

export type ActivityInterceptorName = (typeof ACTIVITY_INTERCEPTOR_ORDER)[number];

/** Every interceptor but the claim check is required: a worker without one of them is a bug, not a choice. */
export type ActivityInterceptorSet = Record<Exclude<ActivityInterceptorName, 'claimCheck'>, ActivityInterceptorsFactory> &
  Partial<Record<'claimCheck', ActivityInterceptorsFactory>>;

/** The set as the array the SDK takes, outermost first. */
export function orderedActivityInterceptors(set: ActivityInterceptorSet): ActivityInterceptorsFactory[] {
  return ACTIVITY_INTERCEPTOR_ORDER.flatMap((name) => {
    const interceptor = set[name];
    return interceptor ? [interceptor] : [];
  });
}
