/**
 * What a worker hands its workflow code in place of a payload it refused to decrypt: one encrypted under
 * another tenant's key, or a plaintext one sent to an encrypted run (security/payloadCodec.ts). The run
 * sees this marker instead of the message, so its update validators refuse it and its signal handlers record
 * it as ignored, and nothing of the other tenant's key or text reaches the run. Pure: workflow code imports it.
 */

const FOREIGN_PAYLOAD_FIELD = 'imageAgentRefusedPayload';

export const FOREIGN_PAYLOAD_PROBLEM = "refused: the message was not encrypted under this run's tenant key (a run takes messages only from its own tenant)";

/** The decoded form of a refused payload. */
export const foreignPayloadValue = { [FOREIGN_PAYLOAD_FIELD]: true } as const;

export function isForeignPayload(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as Record<string, unknown>)[FOREIGN_PAYLOAD_FIELD] === true;
}
