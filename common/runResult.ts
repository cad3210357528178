/** What a GenerateImage run returns, and the report written to object storage for audit and reproduction. */
import type { GroundedAnswer, MemoryContext, UserProfile } from './evidence';
import type { Candidate, ChecklistItem } from './generation';
import type { ModelCallRecord, Usage } from './modelCall';
import type { ContextPlan } from './plan';
import type { Ablations, GenerateImageInput } from './request';
import type { ProviderLabel } from './types';

export interface StageTiming {
  stage: string;
  startedAt: string;
  durationMs: number;
}

export type StopReason = 'all_passed' | 'max_rounds' | 'no_feedback' | 'direct' | 'critique_unavailable';

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
  /** Which providers ran; "offline" means no model was called. */
  providers: ProviderLabel;
  plan?: ContextPlan;
  answers: GroundedAnswer[];
  memory?: MemoryContext;
  checklist: ChecklistItem[];
  images: ImageOutcome[];
  /** The first image's chosen candidate (the only one for single-image requests). */
  final: Candidate;
  remembered?: { turnInserted: boolean; profileApplied: boolean; learned: UserProfile };
  ablations: Ablations;
  usage: Usage;
  timings: StageTiming[];
  reportKey?: string;
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
}
