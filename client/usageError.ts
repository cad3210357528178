import { FailureType } from '../common/failureTypes';
import { ImageAgentError } from '../common/imageAgentError';

/** A mistake in how a command was called (a missing file, a run in the wrong state): shown as one line. */
export class UsageError extends ImageAgentError {
  override name = 'UsageError';
  constructor(message: string) {
    super(message, { failureType: FailureType.InvalidInput, retryable: false, httpStatus: 400 });
  }
}
