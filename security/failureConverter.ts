/**
 * The failure converter of every client, worker and the workflow bundle: failure messages and stack
 * traces go into an encoded payload (encodeCommonAttributes), so the payload codec encrypts them too.
 * Pure (bundled into the workflow sandbox through failureConverterPath).
 */
import { DefaultFailureConverter } from '@temporalio/common';

export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
