/**
 * The API's answer to a failed request, read from the error's traits (common/imageAgentError.ts): its status,
 * Retry-After and body. Below 500 the caller reads the error's message; from 500 on only a public sentence
 * naming the dependency, and the details go to the server's log.
 */
import { findImageAgentError, type Dependency, type ImageAgentError } from '../../common/imageAgentError';
import { classifyTemporalError } from '../temporalErrors';

export interface ErrorResponse {
  status: number;
  /** Seconds, for the Retry-After header. */
  retryAfterS?: number;
  body: { error: string };
  /** The error is the server's or a dependency's: its details belong in the log. */
  logged: boolean;
}

/** How a caller reads each dependency's name. */
const DEPENDENCY_NAMES: Record<Dependency, string> = {
  temporal: 'workflow service',
  'object-storage': 'object storage',
  postgres: 'database',
  model: 'model endpoint',
  search: 'search service',
};

/** The image-agent error an error is or wraps, or the Temporal client's error classified; undefined for anything else. */
function knownError(err: unknown): ImageAgentError | undefined {
  return findImageAgentError(err) ?? classifyTemporalError(err);
}

/** The answer to a failed request; `requestId` lets a caller's report be found in the log. */
export function errorResponse(err: unknown, requestId: string): ErrorResponse {
  const known = knownError(err);
  if (known) {
    const retryAfterS = known.retryAfterMs !== undefined ? Math.ceil(known.retryAfterMs / 1000) : undefined;
    const answer = { status: known.httpStatus, ...(retryAfterS !== undefined ? { retryAfterS } : {}) };
    if (known.httpStatus < 500) return { ...answer, body: { error: known.message }, logged: false };
    return { ...answer, body: { error: `${known.publicMessage ?? unreachable(known.dependency)} (request ${requestId})` }, logged: true };
  }
  // Fastify's own errors (a malformed body, a payload over the limit) carry their status.
  const framework = err as { statusCode?: unknown; message?: unknown } | undefined;
  if (typeof framework?.statusCode === 'number' && framework.statusCode >= 400 && framework.statusCode < 500) {
    return { status: framework.statusCode, body: { error: String(framework.message) }, logged: false };
  }
  return { status: 502, body: { error: `${unreachable(undefined)} (request ${requestId})` }, logged: true };
}

function unreachable(dependency: Dependency | undefined): string {
  return `a service image-agent depends on did not answer (${dependency ? DEPENDENCY_NAMES[dependency] : 'internal error'}); try again later`;
}
