/**
 * The errors the Temporal client raises, as image-agent errors (common/imageAgentError.ts): classified by
 * their type and gRPC status code, never by their message. The API reads them through this when no
 * image-agent error is in the chain.
 */
import { isGrpcServiceError, ServiceError, WorkflowUpdateFailedError } from '@temporalio/client';
import { causeChain } from '../common/causeChain';
import { FailureType } from '../common/failureTypes';
import { ImageAgentError } from '../common/imageAgentError';

/** gRPC status codes a later call may not meet: DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, UNAVAILABLE. */
const TRANSIENT_GRPC_CODES = new Set([4, 8, 14]);

/** The Temporal service did not take the call: unreachable, overloaded, or it refused the request itself. */
export class TemporalCallFailedError extends ImageAgentError {
  override name = 'TemporalCallFailedError';
  constructor(cause: unknown, transient: boolean) {
    super(
      `Temporal did not take the call: ${(cause as Error | undefined)?.message ?? String(cause)}`,
      { retryable: transient, httpStatus: 502, dependency: 'temporal' },
      { cause },
    );
  }
}

/** A workflow's update validator refused the update (a stale, duplicate, late or malformed decision): its reason is the message. */
class WorkflowUpdateRefusedError extends ImageAgentError {
  override name = 'WorkflowUpdateRefusedError';
  constructor(cause: WorkflowUpdateFailedError) {
    super(cause.cause?.message ?? cause.message, { failureType: FailureType.ReviewDecisionRefused, retryable: false, httpStatus: 409 }, { cause });
  }
}

/** The Temporal client's error as an image-agent error, or undefined when it is not one of Temporal's. */
export function classifyTemporalError(err: unknown): ImageAgentError | undefined {
  if (err instanceof WorkflowUpdateFailedError) return new WorkflowUpdateRefusedError(err);
  const chain = causeChain(err);
  const grpc = chain.find(isGrpcServiceError);
  if (grpc) return new TemporalCallFailedError(err, TRANSIENT_GRPC_CODES.has(grpc.code));
  if (chain.some((e) => e instanceof ServiceError)) return new TemporalCallFailedError(err, true);
  return undefined;
}
