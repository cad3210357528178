/**
 * The state of one GenerateImage run: everything it has produced so far, which status, the result and the
 * report are built from. Pure workflow state; the stages fill it in.
 */
import type { Candidate, ChecklistItem } from '../../common/generation';
import type { ContextPlan } from '../../common/plan';
import { providersLabel } from '../../common/modelCall';
import { DEFAULT_OPTIONS, type GenerateImageInput, type GenerateOptions } from '../../common/request';
import type { ReviewQuestionRecord } from '../../common/review';
import type { Degradation, ImageOutcome } from '../../common/runResult';
import type { Priority } from '@temporalio/common';
import { patched } from '@temporalio/workflow';
import { PRIORITY_KEYS } from '../../common/dispatchPriority';
import { activitiesFor, type RunActivities } from '../activityStubs';
import { FIRST_IN_QUEUE_AFTER_REVIEW } from '../patches';
import { recordCandidate, setStage, type RunStage } from './audit';
import type { Grounded } from './ground/groundContext';
import type { ReviewGate } from './review/reviewGate';
import { RunRecorder } from './runRecorder';

export function resolveOptions(partial: Partial<GenerateOptions> | undefined): GenerateOptions {
  return { ...DEFAULT_OPTIONS, ...partial, ablations: { ...partial?.ablations } };
}

export class Run {
  stage: RunStage = 'planning';
  plan?: ContextPlan;
  grounded: Grounded = { answers: [], memoryReferenceKeys: [], degraded: [] };
  /** Dependencies the run went on without after grounding (a memory write that failed). */
  readonly degradedLater: Degradation[] = [];
  checklist: ChecklistItem[] = [];
  images: ImageOutcome[] = [];
  readonly candidates: Candidate[] = [];
  /** Reviewers' questions to the agent and its answers (review/reviewQuestions.ts). */
  readonly questions: ReviewQuestionRecord[] = [];
  readonly recorder = new RunRecorder();
  readonly webhookDeliveries: Promise<unknown>[] = [];
  /** The workflow's date, fixed at the start: every stage plans for the same day. */
  readonly today = new Date().toISOString().slice(0, 10);

  private readonly beforeReview: RunActivities;
  private afterReview?: RunActivities;

  constructor(
    readonly input: GenerateImageInput,
    readonly options: GenerateOptions,
    readonly gate: ReviewGate,
  ) {
    this.beforeReview = activitiesFor(options.outageWindow);
  }

  /** Once a reviewer has decided, a person waits on what is left: it goes first in its queues (undefined: the run's own). */
  dispatchNow(): Priority | undefined {
    return this.gate.decisions.length > 0 && patched(FIRST_IN_QUEUE_AFTER_REVIEW) ? { priorityKey: PRIORITY_KEYS.afterReview } : undefined;
  }

  /** The run's activities, at the priority of the moment (dispatchNow). */
  get acts(): RunActivities {
    const priority = this.dispatchNow();
    if (!priority) return this.beforeReview;
    return (this.afterReview ??= activitiesFor(this.options.outageWindow, priority));
  }

  degraded(): Degradation[] {
    return [...this.grounded.degraded, ...this.degradedLater];
  }

  setStage(stage: RunStage): void {
    this.stage = stage;
    setStage(stage);
    recordCandidate(this.candidates, stage, this.gate.decisions);
  }

  addCandidate = (c: Candidate): void => {
    this.candidates.push(c);
    recordCandidate(this.candidates, this.stage, this.gate.decisions);
  };

  /** The key a reviewer's decision must name: the current set's first image. */
  reviewKey(): string | undefined {
    return this.images[0]?.final.image.key;
  }

  /** The label of the providers the run's calls and renders came from ('offline' whenever any was offline). */
  providers(): string {
    return providersLabel([...this.recorder.calls.map((c) => c.provider), ...this.candidates.map((c) => c.renderedBy.provider)]);
  }
}
