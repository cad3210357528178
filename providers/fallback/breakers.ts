/**
 * The worker process's circuit breakers, one per model endpoint a chain calls (`chat openai`, `image
 * openai:backup`), so every activity of the process shares what the others learnt. Their states are on
 * /metrics (telemetry/appMetrics.ts) and in `doctor`.
 */
import { observeBreakers } from '../../telemetry/appMetrics';
import { CircuitBreaker, type BreakerSettings } from './circuitBreaker';

const breakers = new Map<string, CircuitBreaker>();
observeBreakers(() => [...breakers.values()].map((b) => ({ endpoint: b.name, state: b.state })));

/** The breaker of `kind` calls to `link`, created with `settings` on first use. */
export function breakerFor(kind: 'chat' | 'image', link: string, settings: BreakerSettings): CircuitBreaker {
  const name = `${kind} ${link}`;
  let breaker = breakers.get(name);
  if (!breaker) breakers.set(name, (breaker = new CircuitBreaker(name, settings)));
  return breaker;
}
