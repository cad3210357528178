/**
 * Process logs: one JSON object per line when IMAGE_AGENT_LOG_FORMAT=json (containers), plain text otherwise.
 * The Temporal SDK's workflow and activity loggers add workflowId, runId, workflowType, activityType and
 * taskQueue to their lines' metadata; this logger keeps those and never logs prompt text or secrets at info
 * level (callers pass ids and counts, not content).
 */
import { DefaultLogger, type LogEntry, type LogLevel } from '@temporalio/worker';
import { redactSecrets } from '../common/redact';

export type LogFormat = 'text' | 'json';

/** Metadata keys whose values are never written, whatever a caller passes. */
const SECRET_KEY = /(api[_-]?key|secret|password|token|authorization|prompt)/i;

function redactMeta(meta: Record<string, unknown> | undefined): Record<string, unknown> {
  if (!meta) return {};
  return Object.fromEntries(Object.entries(meta).map(([k, v]) => [k, SECRET_KEY.test(k) ? '<redacted>' : v]));
}

function formatLogLine(entry: LogEntry, format: LogFormat, service: string): string {
  const meta = redactMeta(entry.meta);
  const time = new Date(Number(entry.timestampNanos / 1_000_000n)).toISOString();
  // The whole line passes the one redaction step: the SDK logs a failed activity's error object with all its
  // own fields (an SDK error's response body among them), not only the message the failure interceptor redacted.
  if (format === 'json') return redactSecrets(JSON.stringify({ time, level: entry.level.toLowerCase(), service, msg: entry.message, ...meta }));
  const extra = Object.keys(meta).length ? ` ${JSON.stringify(meta)}` : '';
  return redactSecrets(`${time} ${entry.level.padEnd(5)} [${service}] ${entry.message}${extra}`);
}

export function createLogger(service: string, format: LogFormat, level: LogLevel = 'INFO'): DefaultLogger {
  return new DefaultLogger(level, (entry) => {
    const line = formatLogLine(entry, format, service);
    if (entry.level === 'ERROR' || entry.level === 'WARN') process.stderr.write(`${line}\n`);
    else process.stdout.write(`${line}\n`);
  });
}
