/**
 * `image-agent serve`: the HTTP API and the review page. On SIGTERM/SIGINT readiness fails at once, the
 * server stops accepting connections and finishes the requests in flight (within
 * IMAGE_AGENT_SHUTDOWN_GRACE_SECONDS), then the process exits 0.
 */
import type { Command } from 'commander';
import { loadConfig } from '../../config/loadConfig';
import { refuseInsecureDefaults } from '../../security/insecureDefaults';
import { openObjectStore } from '../../security/objectEncryption';
import { startOpsServer } from '../../telemetry/opsServer';
import { installTracing } from '../../telemetry/tracing';
import { buildApi } from '../api/apiServer';
import { connectClient } from '../temporalClient';
import { UsageError } from '../usageError';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the HTTP API and the review page (tokens from IMAGE_AGENT_API_TOKENS)')
    .action(async () => {
      const config = loadConfig();
      refuseInsecureDefaults(config, 'api');
      if (!config.api.tokens.size) throw new UsageError('no API tokens: set IMAGE_AGENT_API_TOKENS="<token>:<tenant>,…" (the local stack makes one for you)');
      const tracing = installTracing(process.env.OTEL_SERVICE_NAME ?? 'image-agent-api', { otlpEndpoint: config.telemetry.otlpEndpoint });
      const ops = config.telemetry.opsPort ? await startOpsServer({ host: config.telemetry.opsHost, port: config.telemetry.opsPort }) : undefined;
      const readiness = { draining: false };
      const client = await connectClient(config);
      const store = openObjectStore(config);
      const app = buildApi({ client, config, store }, readiness);
      await app.listen({ host: config.api.host, port: config.api.port });
      const loopback = /^(127\.|localhost$|::1$|\[::1\]$)/.test(config.api.host);
      if (!loopback && !config.api.tls && !config.api.trustProxy) {
        console.error(
          `WARNING: image-agent API listens on ${config.api.host} without TLS: bearer tokens and review cookies cross the network in clear. Set IMAGE_AGENT_API_TLS_CERT/_KEY, or put it behind a TLS proxy and set IMAGE_AGENT_API_TRUST_PROXY=true.`,
        );
      }
      console.log(
        `image-agent API on ${config.api.tls ? 'https' : 'http'}://${config.api.host}:${config.api.port} (${config.api.tokens.size} token(s)); review page at /review`,
      );
      let stopping = false;
      const stop = async () => {
        if (stopping) return;
        stopping = true;
        readiness.draining = true;
        ops?.startDraining();
        // A request that outlives the grace is cut: the process must stop within the pod's grace period.
        const deadline = setTimeout(() => {
          console.error(`image-agent API: requests still in flight after ${config.shutdown.apiGraceMs} ms; exiting`);
          process.exit(1);
        }, config.shutdown.apiGraceMs);
        deadline.unref();
        await app.close(); // stops accepting, waits for in-flight requests
        store.destroy();
        await client.connection.close();
        await tracing?.shutdown();
        await ops?.close();
        console.log('image-agent API drained and stopped');
        process.exit(0);
      };
      process.on('SIGTERM', () => void stop());
      process.on('SIGINT', () => void stop());
    });
}
