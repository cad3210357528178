/**
 * The fetch the OpenAI client uses: each model HTTP call becomes a client span under the activity's span,
 * with the method, host, path, status and the workflow id (never the body, which holds prompts).
 */
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { Context as ActivityContext } from '@temporalio/activity';

const tracer = trace.getTracer('image-agent');

function currentWorkflowId(): string | undefined {
  try {
    return ActivityContext.current().info.workflowExecution?.workflowId;
  } catch {
    return undefined; // outside an activity (CLI, tests)
  }
}

export const tracedFetch: typeof fetch = async (input, init) => {
  const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
  const method = init?.method ?? (typeof input === 'object' && 'method' in input ? input.method : 'GET');
  const workflowId = currentWorkflowId();
  return tracer.startActiveSpan(
    `model HTTP ${method} ${url.pathname}`,
    {
      kind: SpanKind.CLIENT,
      attributes: {
        'http.request.method': method,
        'server.address': url.hostname,
        'url.path': url.pathname,
        ...(workflowId ? { temporalWorkflowId: workflowId } : {}),
      },
    },
    context.active(),
    async (span) => {
      try {
        const res = await fetch(input, init);
        span.setAttribute('http.response.status_code', res.status);
        if (res.status >= 400) span.setStatus({ code: SpanStatusCode.ERROR, message: `HTTP ${res.status}` });
        return res;
      } catch (err) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).name });
        throw err;
      } finally {
        span.end();
      }
    },
  );
};
