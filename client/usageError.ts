/** A mistake in how a command was called (a missing file, a run in the wrong state): shown as one line. */
export class UsageError extends Error {
  override name = 'UsageError';
}
