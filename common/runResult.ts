/** What a GenerateImage run returns, and the report written to object storage for audit and reproduction. */
import type { FallbackSummary } from './fallbackSummary';
import type { GroundedAnswer, MemoryContext, UserProfile } from './evidence';
import type { Candidate, ChecklistItem } from './generation';
import type { ModelCallRecord, Usage } from './modelCall';
import type { ContextPlan } from './plan';
import type { Ablations, GenerateImageInput } from './request';
import type { ApprovalState, ReviewQuestionRecord, ReviewRecord } from './review';

export interface StageTiming {
  stage: string;
  startedAt: string;
  durationMs: number;
}

/** How a run ended: delivered, or stopped by review (rejected, expired, plan rejected) or cancellation. */
export type RunOutcome = 'completed' | 'rejected' | 'expired' | 'plan_rejected' | 'cancelled';

/** `unverified`: nothing failed but some items could not be checked (no model looked), so another round cannot help. */
export type StopReason = 'all_passed' | 'unverified' | 'max_rounds' | 'no_feedback' | 'direct' | 'critique_unavailable';

/**
 * A dependency the run went on without, and why: memory during a Postgres outage, a memory write that
 * failed after the images existed. A degraded run is complete, but never scored as if it were whole.
 */
export interface Degradation {
  stage: 'ground' | 'remember' | 'render';
  dependency: 'memory' | 'object storage' | 'image model';
  reason: string;
}

export interface ImageOutcome {
  imageIndex: number;
  imageId: string;
  brief: string;
  final: Candidate;
  candidates: Candidate[];
  stoppedBecause: StopReason;
}

export interface GenerateImageResult {
  workflowId: string;
  request: string;
  outcome: RunOutcome;
  approval: ApprovalState;
  decisions: ReviewRecord[];
  /** Which providers ran (providersLabel of its calls and renders); "offline" means offline implementations stood in for models. */
  providers: string;
  plan?: ContextPlan;
  answers: GroundedAnswer[];
  memory?: MemoryContext;
  checklist: ChecklistItem[];
  images: ImageOutcome[];
  /** The first image's chosen candidate (the only one for single-image requests); absent when the plan was rejected. */
  final?: Candidate;
  remembered?: { turnInserted: boolean; profileApplied: boolean; learned: UserProfile };
  /** Dependencies the run went on without; absent when nothing was degraded. */
  degraded?: Degradation[];
  ablations: Ablations;
  usage: Usage;
  timings: StageTiming[];
  reportKey?: string;
  /** Where prices are configured (IMAGE_AGENT_PRICES), in their currency. */
  cost?: number;
}

/** The run report in S3: the result plus every model call, in order. */
export interface RunReport {
  schemaVersion: 1;
  workflowId: string;
  runId: string;
  startedAt: string;
  input: GenerateImageInput;
  result: GenerateImageResult;
  calls: ModelCallRecord[];
  /** Review signals that could not be applied (a signal cannot be refused like an update). */
  ignoredSignals: { at: string; reason: string }[];
  /** Reviewers' questions to the agent and its answers (absent when nobody asked). */
  questions?: ReviewQuestionRecord[];
  cost?: CostBreakdown;
  /** Calls and renders a fallback link answered, and the image vendors by round when they differ (written by the report activity). */
  fallbacks?: FallbackSummary;
  /** What the spend ledger charged the run when the report was written: settled, and still reserved (providers/spend/). */
  spend?: RunSpend;
}

export interface CostBreakdown {
  total: number;
  byModel: Record<string, { inputTokens: number; outputTokens: number; images: number; cost: number }>;
  /** Models used that have no configured price. */
  unpriced: string[];
}

/** A run's spend from the ledger, and each budget its calls count against as it stood then. */
export interface RunSpend {
  settledUsd: number;
  reservedUsd: number;
  calls: number;
  /** The run's own, its user's today, the tenant's today and this month, its batch's: spent (and reserved) against the limit. */
  budgets?: { budget: string; committedUsd: number; limitUsd?: number }[];
}
