/**
 * The Temporal SDK's Runtime for a process: the JSON/text logger and the SDK's own Prometheus metrics
 * (workflow task failures, schedule-to-start latency, poller counts, slots…) on a loopback exporter that
 * the ops server folds into /metrics. Must run before the first connection is made, once per process.
 */
import { Runtime } from '@temporalio/worker';
import type { AppConfig } from '../common/config';
import { createLogger } from './logger';

export function installSdkRuntime(config: AppConfig, service: string): { sdkMetricsUrl?: string } {
  const logger = createLogger(service, config.telemetry.logFormat);
  const sdkPort = config.telemetry.sdkMetricsPort;
  Runtime.install({
    logger,
    telemetryOptions: {
      logging: { forward: {}, filter: { core: 'WARN', other: 'ERROR' } },
      ...(sdkPort
        ? { metrics: { prometheus: { bindAddress: `127.0.0.1:${sdkPort}`, countersTotalSuffix: true, unitSuffix: true, useSecondsForDurations: true } } }
        : {}),
    },
  });
  return sdkPort ? { sdkMetricsUrl: `http://127.0.0.1:${sdkPort}/metrics` } : {};
}
