/**
 * A circuit breaker per model endpoint, shared by every activity of a worker process: after enough calls in a
 * window fail, the endpoint is skipped (the chain's next link answers at once, with no retries waited out),
 * and one probe at most every `probeEveryMs` tests whether it is back; a success closes it.
 */

export interface BreakerSettings {
  /** Share of failed calls in the window that opens the breaker (0.5: half). */
  failureRatio: number;
  /** Calls in the window before the ratio counts. */
  minCalls: number;
  windowMs: number;
  /** While open, one call at most this often goes through as a probe. */
  probeEveryMs: number;
}

export type BreakerState = 'closed' | 'open' | 'half-open';

export class CircuitBreaker {
  private outcomes: { at: number; ok: boolean }[] = [];
  private openedAt: number | undefined;
  private lastProbeAt: number | undefined;
  private probeInFlight = false;

  constructor(
    readonly name: string,
    private readonly settings: BreakerSettings,
    private readonly now: () => number = Date.now,
  ) {}

  /** closed: calls pass; open: calls skip it; half-open: a probe is out. */
  get state(): BreakerState {
    if (this.openedAt === undefined) return 'closed';
    return this.probeInFlight ? 'half-open' : 'open';
  }

  /** Whether a call may go to the endpoint now; while open, true once per probe interval (that call is the probe). */
  tryPass(): boolean {
    if (this.openedAt === undefined) return true;
    const t = this.now();
    if (this.probeInFlight || t - (this.lastProbeAt ?? this.openedAt) < this.settings.probeEveryMs) return false;
    this.lastProbeAt = t;
    this.probeInFlight = true;
    return true;
  }

  /** The outcome of a call that passed. Only failures that say the endpoint is unwell count (the caller decides). */
  record(ok: boolean): void {
    const t = this.now();
    if (this.openedAt !== undefined) {
      this.probeInFlight = false;
      if (ok) {
        this.openedAt = undefined;
        this.lastProbeAt = undefined;
        this.outcomes = [];
      }
      return;
    }
    this.outcomes = this.outcomes.filter((o) => t - o.at < this.settings.windowMs);
    this.outcomes.push({ at: t, ok });
    const failed = this.outcomes.filter((o) => !o.ok).length;
    if (!ok && this.outcomes.length >= this.settings.minCalls && failed / this.outcomes.length >= this.settings.failureRatio) {
      this.openedAt = t;
      this.outcomes = [];
    }
  }
}
