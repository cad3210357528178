/** Operations: each process's ops endpoint, logs, traces, the API's shutdown grace, and the prices of model calls. */
import { z } from 'zod';
import { ConfigError, priceSchema, type Prices } from '../../common/config';
import { configSection } from '../configSection';
import { int, optionalPort, optionalString, text } from './schemas';

/** IMAGE_AGENT_PRICES: JSON {"model": {"inputPerMTok": 2, "outputPerMTok": 8, "perImage": 0.04}} in your currency. */
function parsePrices(text: string | undefined): Prices {
  if (!text) return {};
  try {
    return priceSchema.parse(JSON.parse(text));
  } catch (err) {
    throw new ConfigError(`IMAGE_AGENT_PRICES is not valid: ${(err as Error).message.split('\n')[0]}`);
  }
}

export const operationsSettings = configSection(
  'Operations',
  'Every process can serve `/metrics`, `/healthz` and `/readyz`, log as JSON and send traces.',
  {
    IMAGE_AGENT_OPS_HOST: { schema: text, default: '127.0.0.1', description: 'The address of the ops endpoint.' },
    IMAGE_AGENT_OPS_PORT: { schema: optionalPort, defaultText: 'none (no ops endpoint)', description: 'The port of the ops endpoint; containers set 9464.' },
    IMAGE_AGENT_SDK_METRICS_PORT: {
      schema: optionalPort,
      defaultText: 'the ops port + 1',
      description: 'Loopback port of the Temporal SDK’s Prometheus exporter, folded into `/metrics`.',
    },
    IMAGE_AGENT_LOG_FORMAT: { schema: z.enum(['text', 'json']), default: 'text', description: '`json` for one JSON object per log line.' },
    OTEL_EXPORTER_OTLP_ENDPOINT: {
      schema: optionalString.pipe(z.url().optional()),
      description: 'OTLP/HTTP collector for traces (e.g. `http://collector:4318`); `OTEL_SERVICE_NAME` names the service on spans.',
    },
    IMAGE_AGENT_SHUTDOWN_GRACE_SECONDS: { schema: int(0, 600), default: '20', description: 'Seconds the API gives in-flight requests after SIGTERM.' },
    IMAGE_AGENT_PRICES: {
      schema: optionalString,
      description: 'Prices of model calls for run reports: `{"model": {"inputPerMTok": 2, "outputPerMTok": 8, "perImage": 0.04}}` in your currency.',
    },
  },
  (s) => ({
    telemetry: {
      opsHost: s.IMAGE_AGENT_OPS_HOST,
      opsPort: s.IMAGE_AGENT_OPS_PORT,
      sdkMetricsPort:
        s.IMAGE_AGENT_SDK_METRICS_PORT ?? (s.IMAGE_AGENT_OPS_PORT !== undefined && s.IMAGE_AGENT_OPS_PORT > 0 ? s.IMAGE_AGENT_OPS_PORT + 1 : undefined),
      logFormat: s.IMAGE_AGENT_LOG_FORMAT,
      otlpEndpoint: s.OTEL_EXPORTER_OTLP_ENDPOINT,
    },
    apiGraceMs: s.IMAGE_AGENT_SHUTDOWN_GRACE_SECONDS * 1000,
    prices: parsePrices(s.IMAGE_AGENT_PRICES),
  }),
);
