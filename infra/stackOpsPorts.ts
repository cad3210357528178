/**
 * The ops endpoints of the local stack's own processes. Each process gets its own port (and each worker its
 * SDK exporter's, one above), so the stack can be scraped like a deployment and never inherits one
 * IMAGE_AGENT_OPS_PORT for two processes, which would make the second fail to bind.
 */
import type { AppConfig } from '../common/config';

export type StackProcess = 'orchestration-worker' | 'gpu-worker' | 'api';

const OFFSET: Record<StackProcess, number> = { 'orchestration-worker': 0, 'gpu-worker': 2, api: 4 };

export function stackOpsPort(config: AppConfig, process: StackProcess): number {
  return config.stack.opsPort + OFFSET[process];
}

/** The variables a stack process is started with so that it serves its ops endpoint. */
export function stackOpsEnv(config: AppConfig, process: StackProcess): NodeJS.ProcessEnv {
  const port = stackOpsPort(config, process);
  return { IMAGE_AGENT_OPS_PORT: String(port), IMAGE_AGENT_SDK_METRICS_PORT: String(port + 1) };
}

/** Every stack process's /metrics, for a Prometheus that scrapes the local stack. */
export function stackMetricsTargets(config: AppConfig): { process: StackProcess; target: string }[] {
  return (Object.keys(OFFSET) as StackProcess[]).map((process) => ({ process, target: `127.0.0.1:${stackOpsPort(config, process)}` }));
}
