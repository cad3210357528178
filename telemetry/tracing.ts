/**
 * OpenTelemetry tracing for a process: client → workflow → activity → model HTTP call, through
 * @temporalio/interceptors-opentelemetry. Spans are exported over OTLP/HTTP when OTEL_EXPORTER_OTLP_ENDPOINT
 * is set; a test passes its own span processor (an in-memory exporter). Without either, the interceptors
 * still carry the trace context through Temporal headers and the spans go nowhere.
 */
import { context, propagation, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
  OpenTelemetryWorkflowClientInterceptor,
} from '@temporalio/interceptors-opentelemetry';
import type { WorkflowClientInterceptor } from '@temporalio/client';
import type { ActivityInterceptorsFactory, InjectedSinks } from '@temporalio/worker';
import type { Sinks } from '@temporalio/workflow';

export interface Tracing {
  resource: Resource;
  spanProcessor: SpanProcessor;
  shutdown(): Promise<void>;
}

let installed: Tracing | undefined;

/**
 * Registers the global tracer provider once per process (context manager and W3C propagator included).
 * Returns undefined when no exporter is configured and none is given.
 */
export function installTracing(serviceName: string, options: { otlpEndpoint?: string; spanProcessor?: SpanProcessor } = {}): Tracing | undefined {
  if (installed) return installed;
  const spanProcessor =
    options.spanProcessor ??
    (options.otlpEndpoint ? new BatchSpanProcessor(new OTLPTraceExporter({ url: `${options.otlpEndpoint.replace(/\/$/, '')}/v1/traces` })) : undefined);
  if (!spanProcessor) return undefined;
  const resource = new Resource({ 'service.name': serviceName });
  const provider = new NodeTracerProvider({ resource, spanProcessors: [spanProcessor] });
  provider.register();
  installed = {
    resource,
    spanProcessor,
    shutdown: async () => {
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
      installed = undefined;
    },
  };
  return installed;
}

/** Activity spans, continued from the workflow's span through the activity's headers. */
export const tracingActivityInterceptor: ActivityInterceptorsFactory = (ctx) => ({
  inbound: new OpenTelemetryActivityInboundInterceptor(ctx),
  outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
});

/** Workflow spans are made inside the sandbox and leave it through this sink. */
/**
 * The sink the bundle's workflow interceptors export spans to. The prebuilt bundle always carries those
 * interceptors, so a worker without tracing still registers the sink, as a no-op: an unregistered sink
 * is an error on every workflow task.
 */
export function tracingSinks(tracing: Tracing | undefined): InjectedSinks<Sinks> {
  if (tracing) return { exporter: makeWorkflowExporter(tracing.spanProcessor, tracing.resource) };
  return { exporter: { export: { fn: () => undefined, callDuringReplay: false } } } as unknown as InjectedSinks<Sinks>;
}

export function tracingClientInterceptors(): WorkflowClientInterceptor[] {
  return [new OpenTelemetryWorkflowClientInterceptor()];
}
