/**
 * The one base of image-agent's own errors. Each error says once how it fails, and both mappings read only
 * this: activities/failures.ts (the Temporal failure's type, whether it is retried and when) and
 * client/api/errorResponse.ts (the HTTP status, Retry-After and body). A new error is a subclass with its
 * traits; neither mapping changes. Errors of a dependency (object storage, Postgres, Temporal, a model or a
 * search API) are wrapped where the dependency is called, naming it, so nobody guesses from a message.
 */
import { causeChain } from './causeChain';
import type { FailureTypeName } from './failureTypes';

/** The services image-agent depends on, as an error names the one that failed. */
export type Dependency = 'temporal' | 'object-storage' | 'postgres' | 'model' | 'search';

export interface ErrorTraits {
  /**
   * The Temporal failure type (common/failureTypes.ts), for errors an activity raises that workflows tell
   * apart. Without one the failure is typed by the error's name, as the SDK types any error.
   */
  failureType?: FailureTypeName;
  /** Whether the same call may succeed later: Temporal retries it (within the retry policy), else fails at once. */
  retryable: boolean;
  /** The HTTP API's status for it. Below 500 the caller reads the message; from 500 on only `publicMessage`. */
  httpStatus: number;
  /** How long to wait before trying again, when known: the HTTP Retry-After, and Temporal's next retry delay. */
  retryAfterMs?: number;
  /** The dependency that failed, when one did. */
  dependency?: Dependency;
  /**
   * What an API caller reads for a 5xx, instead of the message (which may name hosts, ports or keys and goes
   * to the server's log). Absent: a sentence naming only the dependency.
   */
  publicMessage?: string;
  /** Retried, but after this many of these errors (counted across an activity's attempts) the activity fails typed. */
  maxAttempts?: number;
  /** Values carried to the Temporal failure's details, for a workflow to read. */
  details?: unknown[];
}

export abstract class ImageAgentError extends Error implements ErrorTraits {
  readonly failureType?: FailureTypeName;
  readonly retryable: boolean;
  readonly httpStatus: number;
  readonly retryAfterMs?: number;
  readonly dependency?: Dependency;
  readonly publicMessage?: string;
  readonly maxAttempts?: number;
  readonly details?: unknown[];

  constructor(message: string, traits: ErrorTraits, options?: { cause?: unknown }) {
    super(message, options);
    this.failureType = traits.failureType;
    this.retryable = traits.retryable;
    this.httpStatus = traits.httpStatus;
    this.retryAfterMs = traits.retryAfterMs;
    this.dependency = traits.dependency;
    this.publicMessage = traits.publicMessage;
    this.maxAttempts = traits.maxAttempts;
    this.details = traits.details;
  }
}

/** The outermost image-agent error in an error's cause chain (a wrapper's cause may be one), or undefined. */
export function findImageAgentError(err: unknown): ImageAgentError | undefined {
  return causeChain(err).find((e): e is ImageAgentError => e instanceof ImageAgentError);
}
