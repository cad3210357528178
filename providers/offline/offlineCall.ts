/** The audit record of an offline provider's step, shaped like a model call so every run reads the same. */
import type { ModelCallRecord } from '../../common/modelCall';

export function offlineCall(purpose: string, model: string, input: string, output: string, started: number): ModelCallRecord {
  return {
    purpose,
    provider: 'offline',
    model,
    messages: [{ role: 'user', text: input.slice(0, 4000), images: 0 }],
    response: output.slice(0, 4000),
    usage: { inputTokens: 0, outputTokens: 0 },
    durationMs: Date.now() - started,
  };
}
