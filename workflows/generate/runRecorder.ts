/**
 * Workflow-side bookkeeping for the audit: stage timings (workflow time, deterministic on replay), usage,
 * and every model call in order. Pure state; no I/O.
 */
import { addUsage, EMPTY_USAGE, usageOf, type ModelCallRecord, type Usage } from '../../common/modelCall';
import type { StageTiming } from '../../common/runResult';

export class RunRecorder {
  readonly timings: StageTiming[] = [];
  readonly calls: ModelCallRecord[] = [];
  usage: Usage = EMPTY_USAGE;

  /** Runs one stage and records how long it took. */
  async stage<T>(stage: string, body: () => Promise<T>): Promise<T> {
    const started = Date.now();
    try {
      return await body();
    } finally {
      this.timings.push({ stage, startedAt: new Date(started).toISOString(), durationMs: Date.now() - started });
    }
  }

  record(calls: readonly ModelCallRecord[]): void {
    this.calls.push(...calls);
    this.usage = addUsage(this.usage, usageOf(calls));
  }

  countImages(n: number): void {
    this.usage = addUsage(this.usage, { images: n });
  }

  /** Merges what a child workflow recorded. */
  absorb(other: { timings: StageTiming[]; calls: ModelCallRecord[]; usage: Usage }): void {
    this.timings.push(...other.timings);
    this.calls.push(...other.calls);
    this.usage = addUsage(this.usage, other.usage);
  }
}
