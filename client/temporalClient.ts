/** A Temporal client from configuration, and links into the Temporal UI for people. */
import { Client, Connection, type ConnectionLike } from '@temporalio/client';
import type { AppConfig } from '../common/config';
import { tenantBindingInterceptor } from '../security/clientTenant';
import { createEncryption, tenantLookup } from '../security/dataConverter';
import { tracingClientInterceptors } from '../telemetry/tracing';

export async function connectClient(config: AppConfig): Promise<Client> {
  const connection = await Connection.connect({ ...config.temporal.connection, connectTimeout: 5000 });
  return clientFor(config, connection);
}

/**
 * A client on a connection with the data converter of every image-agent process (encryption when on).
 * Starts, signals and updates carry the trace context to the workflow (a no-op until tracing is installed).
 */
export function clientFor(config: AppConfig, connection: Pick<Connection, 'workflowService'> & ConnectionLike, options: { tracing?: boolean } = {}): Client {
  const { codec, dataConverter, close } = createEncryption(config);
  if (codec) codec.lookup = tenantLookup(connection.workflowService, config.temporal.namespace);
  // The codec's key store is released with the connection (every caller closes the connection).
  const closeConnection = connection.close.bind(connection);
  connection.close = async () => {
    close();
    await closeConnection();
  };
  return new Client({
    connection,
    namespace: config.temporal.namespace,
    dataConverter,
    interceptors: { workflow: [...(codec ? [tenantBindingInterceptor(codec)] : []), ...(options.tracing === false ? [] : tracingClientInterceptors())] },
  });
}

export function runUiUrl(config: AppConfig, workflowId: string, runId?: string): string {
  const base = `${config.temporal.uiUrl}/namespaces/${encodeURIComponent(config.temporal.namespace)}/workflows/${encodeURIComponent(workflowId)}`;
  return runId ? `${base}/${encodeURIComponent(runId)}/history` : base;
}
