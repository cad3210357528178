/** A Temporal client from configuration, and links into the Temporal UI for people. */
import { Client, Connection } from '@temporalio/client';
import type { AppConfig } from '../common/config';
import { tracingClientInterceptors } from '../telemetry/tracing';

export async function connectClient(config: AppConfig): Promise<Client> {
  const connection = await Connection.connect({ ...config.temporal.connection, connectTimeout: 5000 });
  // Starts, signals and updates carry the trace context to the workflow (a no-op until tracing is installed).
  return new Client({ connection, namespace: config.temporal.namespace, interceptors: { workflow: tracingClientInterceptors() } });
}

export function runUiUrl(config: AppConfig, workflowId: string, runId?: string): string {
  const base = `${config.temporal.uiUrl}/namespaces/${encodeURIComponent(config.temporal.namespace)}/workflows/${encodeURIComponent(workflowId)}`;
  return runId ? `${base}/${encodeURIComponent(runId)}/history` : base;
}
