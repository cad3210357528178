/**
 * OpenTelemetry's workflow interceptors, for the runs that are traced. A run whose start carries a trace context
 * (the starter had tracing on, or its parent was traced) gets them as before; a new run without one
 * (patched(UNTRACED_RUNS_WITHOUT_OTEL)) passes every inbound and outbound call straight through and makes no
 * spans. Runs recorded before the patch have no marker and keep the interceptors they ran with, so their
 * histories replay unchanged.
 *
 * The decision is made when the workflow function is entered (the inbound `execute`), before its handlers exist,
 * and holds for the run. Until then every call takes OpenTelemetry's path, in recording and replay alike. Each
 * gated method returns OpenTelemetry's own promise, adding no await: a traced run's order of events is the same as
 * with OpenTelemetry's module alone.
 */
import { TRACE_HEADER } from '@temporalio/interceptors-opentelemetry/lib/instrumentation';
import { interceptors as openTelemetryInterceptors } from '@temporalio/interceptors-opentelemetry/lib/workflow-interceptors';
import type { Headers } from '@temporalio/common';
import { defaultPayloadConverter, patched, type WorkflowInboundCallsInterceptor, type WorkflowInterceptorsFactory } from '@temporalio/workflow';
import { UNTRACED_RUNS_WITHOUT_OTEL } from './patches';

type Next = (input: unknown) => unknown;
type Method = (input: unknown, next: Next) => unknown;

/** `target`'s interceptor methods, each taking OpenTelemetry's path while `traced()`, else calling `next` directly. */
function gated<T extends object>(target: T, traced: () => boolean): Record<string, Method> {
  const methods: Record<string, Method> = {};
  for (const name of Object.getOwnPropertyNames(Object.getPrototypeOf(target))) {
    const method = (target as Record<string, unknown>)[name];
    if (name === 'constructor' || typeof method !== 'function') continue;
    methods[name] = (input, next) => (traced() ? (method as Method).call(target, input, next) : next(input));
  }
  return methods;
}

/**
 * Whether the start carried a span to continue. OpenTelemetry's client interceptor adds its header to every start,
 * empty (`{}`) when the starter had no tracer: only a filled one is a trace context.
 */
function hasTraceContext(headers: Headers): boolean {
  const header = headers[TRACE_HEADER];
  if (!header) return false;
  try {
    const carrier = defaultPayloadConverter.fromPayload<unknown>(header);
    return !!carrier && typeof carrier === 'object' && Object.keys(carrier).length > 0;
  } catch {
    return false; // not a header OpenTelemetry wrote: nothing to continue
  }
}

export const interceptors: WorkflowInterceptorsFactory = () => {
  const openTelemetry = openTelemetryInterceptors();
  let traced = true;
  const isTraced = () => traced;
  const inbound = openTelemetry.inbound?.[0] as WorkflowInboundCallsInterceptor | undefined;
  const outbound = openTelemetry.outbound?.[0];
  if (!inbound?.execute || !outbound) throw new Error('OpenTelemetry workflow interceptors changed shape: check workflows/workflowTracing.ts');
  const execute = inbound.execute.bind(inbound);
  return {
    inbound: [
      {
        ...gated(inbound, isTraced),
        execute: (input, next) => {
          traced = hasTraceContext(input.headers) || !patched(UNTRACED_RUNS_WITHOUT_OTEL);
          return traced ? execute(input, next) : next(input);
        },
      },
    ],
    outbound: [gated(outbound, isTraced)],
    // Its `dispose` (when the run leaves the cache) only releases the context manager every run builds: kept for all.
    internals: openTelemetry.internals ?? [],
  };
};
