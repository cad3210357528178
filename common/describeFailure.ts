/**
 * Turns any error a command can meet into one line that names the component and the fix, instead of a
 * stack trace. Set IMAGE_AGENT_DEBUG=1 to see the original error as well.
 */
import { ApplicationFailure, WorkflowFailedError, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { causeChain } from './causeChain';
import { ConfigError, redactUrl, type AppConfig } from './config';
import { findImageAgentError } from './imageAgentError';

function errorCode(err: unknown): string | undefined {
  for (const e of causeChain(err, 5)) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

function allMessages(err: unknown): string {
  return causeChain(err, 6)
    .map((e) => (e instanceof Error ? `${e.name}: ${e.message}` : String(e)))
    .join(' | ');
}

/** The innermost meaningful failure of a workflow: an activity's application failure, with its type. */
export function rootFailure(err: unknown): ApplicationFailure | undefined {
  return causeChain(err).find((e): e is ApplicationFailure => e instanceof ApplicationFailure);
}

/** `config`: the process's configuration when it loads (config/loadConfig.ts, loadConfigIfValid), to name addresses; the error may be that it does not. */
export function describeFailure(err: unknown, config: AppConfig | undefined): string {
  const text = allMessages(err);
  const code = errorCode(err);
  if (err instanceof ConfigError) return err.message;
  if (
    err instanceof Error &&
    [
      'StackError',
      'MissingToolError',
      'UsageError',
      'InvalidRequestError',
      'ForbiddenError',
      'NotFoundError',
      'ConflictError',
      'SuiteFormatError',
      'TenantDisabledError',
      'UserErasedError',
    ].includes(err.name)
  )
    return err.message;
  if (err instanceof WorkflowUpdateFailedError) return `refused: ${(err.cause as Error | undefined)?.message ?? err.message}`;
  if (err instanceof WorkflowNotFoundError) return `no such run: ${err.workflowId}`;

  // An error already classified by its dependency (providers/database.ts, the object store) is that dependency's, whatever
  // its text says: "PostgresUnavailableError" must not read as gRPC's UNAVAILABLE.
  const classified = findImageAgentError(err);
  const dependency = classified?.dependency;
  const temporalAddress = config?.temporal.connection.address ?? 'localhost:7233';
  if (
    (dependency === undefined || dependency === 'temporal') &&
    /TransportError|Failed to connect|tcp connect error|UNAVAILABLE|ECONNREFUSED.*:7233|No connection established/i.test(text) &&
    /temporal|transport|grpc|UNAVAILABLE|connect/i.test(text) &&
    !/25432|8333|s3/i.test(text)
  ) {
    return `Temporal is unreachable at ${temporalAddress}: start the local stack with \`npm run stack:up\`, or set TEMPORAL_ADDRESS to your cluster`;
  }
  if (/Namespace .* is not found|NamespaceNotFound/i.test(text)) {
    return `Temporal namespace ${config?.temporal.namespace ?? ''} does not exist: create it, or set TEMPORAL_NAMESPACE`;
  }
  const s3Port = config?.s3.endpoint ? new URL(config.s3.endpoint).port : '8333';
  if ((code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'ETIMEDOUT') && new RegExp(`:${s3Port}\\b|s3|bucket`, 'i').test(text)) {
    return `object storage is unreachable at ${config?.s3.endpoint ?? 'S3_ENDPOINT'}: start the local stack with \`npm run stack:up\`, or fix S3_ENDPOINT`;
  }
  if (/InvalidAccessKeyId|SignatureDoesNotMatch|AccessDenied/.test(text)) {
    return `object storage rejected the credentials for bucket ${config?.s3.bucket ?? ''}: check S3_ACCESS_KEY_ID / S3_SECRET_ACCESS_KEY`;
  }
  const pgPort = config ? new URL(config.databaseUrl).port || '5432' : '25432';
  if (dependency === 'postgres' || ((code === 'ECONNREFUSED' || code === 'ENOTFOUND') && new RegExp(`:${pgPort}\\b`).test(text))) {
    return `Postgres is unreachable at ${config ? redactUrl(config.databaseUrl) : 'DATABASE_URL'}: start the local stack with \`npm run stack:up\`, or fix DATABASE_URL`;
  }
  const failure = rootFailure(err);
  if (failure) return `${failure.type ?? 'failure'}: ${failure.message}`;
  if (err instanceof WorkflowFailedError) return `the workflow failed: ${err.cause?.message ?? err.message}`;
  return err instanceof Error ? err.message : String(err);
}
