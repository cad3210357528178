/**
 * GenerateImage: one request, end to end, as a durable workflow (the paper's method, plus review):
 *   plan → ground (DAG) → checklist → [plan review] → [compose → render → critique]* → [review ↺] → remember → report
 * Several planned images run as GenerateImagePart children (independent ones in parallel).
 * Cancellation at any stage still leaves a report and a consistent approval state.
 */
import { ActivityFailure, CancellationScope, isCancellation, setHandler, upsertMemo, workflowInfo } from '@temporalio/workflow';
import type { Candidate, ChecklistItem, Feedback } from '../common/generation';
import { failureReason } from '../common/causeChain';
import type { ContextPlan } from '../common/plan';
import { DEFAULT_OPTIONS, type GenerateImageInput, type GenerateOptions } from '../common/request';
import { NO_REVIEW } from '../common/review';
import type { Degradation, GenerateImageResult, ImageOutcome, RunOutcome } from '../common/runResult';
import type { ProviderLabel } from '../common/types';
import { activitiesFor, type RunActivities } from './activityStubs';
import { recordCandidate, setStage, type RunStage } from './audit';
import { renderedBy, runFeedbackLoop } from './feedbackLoop';
import { statusQuery } from './generationMessages';
import { groundContext, type Grounded } from './groundContext';
import { renderImageSet } from './imageSet';
import { ReviewGate } from './reviewGate';
import { RunRecorder } from './runRecorder';

/** Memory's share of the prompt, in characters (profile, recalled turns, knowledge). */
const MEMORY_BUDGET_CHARS = 4000;

export function resolveOptions(partial: Partial<GenerateOptions> | undefined): GenerateOptions {
  return { ...DEFAULT_OPTIONS, ...partial, ablations: { ...partial?.ablations } };
}

/** Everything a run has produced so far: what status shows, what the report and result are built from. */
class Run {
  stage: RunStage = 'planning';
  plan?: ContextPlan;
  grounded: Grounded = { answers: [], memoryReferenceKeys: [], degraded: [] };
  /** Dependencies the run went on without after grounding (a memory write that failed). */
  readonly degradedLater: Degradation[] = [];
  checklist: ChecklistItem[] = [];
  images: ImageOutcome[] = [];
  readonly candidates: Candidate[] = [];
  readonly recorder = new RunRecorder();
  readonly webhookDeliveries: Promise<unknown>[] = [];

  readonly acts: RunActivities;

  constructor(
    readonly input: GenerateImageInput,
    readonly options: GenerateOptions,
    readonly gate: ReviewGate,
  ) {
    this.acts = activitiesFor(options.outageWindow);
  }

  degraded(): Degradation[] {
    return [...this.grounded.degraded, ...this.degradedLater];
  }

  setStage(stage: RunStage): void {
    this.stage = stage;
    setStage(stage);
    recordCandidate(this.candidates, stage);
  }

  addCandidate = (c: Candidate): void => {
    this.candidates.push(c);
    recordCandidate(this.candidates, this.stage);
  };

  /** The key a reviewer's decision must name: the current set's first image. */
  reviewKey(): string | undefined {
    return this.images[0]?.final.image.key;
  }

  providers(): ProviderLabel {
    const offline = this.recorder.calls.some((c) => c.provider === 'offline') || this.candidates.some((c) => c.renderedBy.provider === 'offline');
    return offline ? 'offline' : 'openai';
  }

  /** Fire-and-track: webhooks never hold the run up, but the run waits for them before it ends. */
  notify(event: 'review_needed' | 'completed' | 'cancelled', extra: Record<string, unknown> = {}): void {
    if (!this.input.webhook) return;
    const info = workflowInfo();
    const seq = this.gate.decisions.length;
    this.webhookDeliveries.push(
      this.acts.webhooks.deliverWebhook
        .executeWithOptions({ summary: `webhook: ${event}` }, [
          {
            webhookKey: this.input.webhook.key,
            event,
            idempotencyKey: `${info.workflowId}:${event}:${seq}`,
            payload: {
              workflowId: info.workflowId,
              runId: info.runId,
              tenantId: this.input.tenantId,
              stage: this.stage,
              approval: this.gate.approval,
              candidates: this.images.map((i) => ({ imageIndex: i.imageIndex, round: i.final.round, key: i.final.image.key })),
              occurredAt: new Date().toISOString(),
              ...extra,
            },
          },
        ])
        .catch(() => undefined), // a receiver that stays down is recorded in the history, not a failed run
    );
  }
}

export async function generateImage(input: GenerateImageInput): Promise<GenerateImageResult> {
  const options = resolveOptions(input.options);
  const gate = new ReviewGate(input.review ?? NO_REVIEW, () => (run.plan?.images.length ?? 1) === 1);
  const run = new Run(input, options, gate);
  gate.install();
  setHandler(statusQuery, () => ({
    workflowId: workflowInfo().workflowId,
    request: input.request,
    stage: run.stage,
    round: run.candidates.at(-1)?.round ?? 0,
    approval: gate.approval,
    pendingReview: gate.pending,
    plan: run.plan,
    answers: run.grounded.answers.map(({ calls: _calls, ...a }) => a),
    checklist: run.checklist,
    candidates: run.candidates.map(stripCalls),
    current: run.images.map((i) => stripCalls(i.final)),
    decisions: gate.decisions,
    usage: run.recorder.usage,
    providers: run.providers(),
    degraded: run.degraded(),
  }));
  upsertMemo({ maxRounds: options.maxRounds, review: input.review ?? NO_REVIEW, ablations: options.ablations, webhook: input.webhook ? 'set' : 'none' });

  try {
    const outcome = await produce(run);
    return await finish(run, outcome);
  } catch (err) {
    if (isCancellation(err)) {
      await CancellationScope.nonCancellable(async () => {
        if (gate.pending || gate.approval.startsWith('pending')) gate.setApproval('cancelled');
        run.setStage('cancelled');
        await writeReport(run, 'cancelled').catch(() => undefined);
        run.notify('cancelled');
        await Promise.all(run.webhookDeliveries);
      });
    } else {
      run.setStage('failed');
    }
    throw err;
  }
}

/** Plans, grounds, renders and reviews; returns how the run ended. */
async function produce(run: Run): Promise<RunOutcome> {
  const { input, options, recorder, gate } = run;
  const today = new Date().toISOString().slice(0, 10);
  const history = input.history ?? [];

  if (options.ablations.direct) {
    run.setStage('generating');
    run.images = [await directRender(run)];
    return reviewLoop(run, today);
  }

  run.setStage('planning');
  const planned = await recorder.stage('plan', () => run.acts.plan.planContext({ request: input.request, history, inputImageCount: input.inputImageKeys?.length ?? 0, today }));
  recorder.record(planned.calls);
  run.plan = planned.value;

  run.setStage('grounding');
  run.grounded = await recorder.stage('ground', () =>
    groundContext({
      request: input.request,
      plan: run.plan!,
      tenantId: input.tenantId,
      userId: input.userId,
      today,
      ablations: options.ablations,
      excludeWorkflowIds: history.map((t) => t.workflowId),
      memoryBudgetChars: MEMORY_BUDGET_CHARS,
      outageWindow: options.outageWindow,
    }),
  );
  for (const a of run.grounded.answers) recorder.record(a.calls);

  if (!options.ablations.noFeedback) {
    run.setStage('checklist');
    const items = await recorder.stage('checklist', () => run.acts.checklist.planChecklist({ request: input.request, plan: run.plan!, answers: run.grounded.answers, memory: run.grounded.memory }));
    recorder.record(items.calls);
    run.checklist = items.value;
  }

  let feedback: Feedback | undefined;
  let promptOverride: string | undefined;
  if (input.review?.planApproval) {
    run.setStage('awaiting_plan_review');
    run.notify('review_needed', { kind: 'plan' });
    const decided = await gate.awaitPlan();
    if (decided.kind === 'rejected') return 'plan_rejected';
    if (decided.decision.instructions) feedback = { round: 0, previousPrompt: '', failed: [], reviewer: decided.decision.instructions };
    promptOverride = decided.decision.prompt;
  }

  run.setStage('generating');
  run.images = await renderImages(run, today, { feedback, promptOverride });
  return reviewLoop(run, today);
}

/** The result gate: approve ends it; reject with feedback renders a new round with the reviewer's words. */
async function reviewLoop(run: Run, today: string): Promise<RunOutcome> {
  const { gate, input } = run;
  if (!input.review?.required) return 'completed';
  for (;;) {
    run.setStage('awaiting_review');
    run.notify('review_needed', { kind: 'result', candidateKey: run.reviewKey() });
    const decided = await gate.awaitResult(run.reviewKey()!);
    if (decided.kind === 'approved') return 'completed';
    if (decided.kind !== 'rejected_with_feedback') return decided.kind;
    run.setStage('generating');
    const lastRound = Math.max(...run.candidates.map((c) => c.round));
    const feedback: Feedback = { round: lastRound, previousPrompt: run.images[0]!.final.context.prompt, failed: [], reviewer: decided.record.feedback };
    const rerun = await renderImages(run, today, { feedback, firstRound: lastRound + 1, maxRounds: 1 });
    // The new candidates join the old ones; each image keeps every candidate it ever had.
    run.images = rerun.map((o, i) => ({ ...o, candidates: [...(run.images[i]?.candidates ?? []), ...o.candidates], final: o.final }));
  }
}

async function renderImages(run: Run, today: string, extra: { feedback?: Feedback; promptOverride?: string; firstRound?: number; maxRounds?: number }): Promise<ImageOutcome[]> {
  const { input } = run;
  const plan = run.plan!;
  const shared = {
    request: input.request,
    plan,
    answers: run.grounded.answers,
    memory: run.grounded.memory,
    history: input.history ?? [],
    references: referencesFor(input, run.grounded),
    checklist: run.checklist,
    options: extra.maxRounds ? { ...run.options, maxRounds: extra.maxRounds } : run.options,
    today,
    recorder: run.recorder,
    onCandidate: run.addCandidate,
    feedback: extra.feedback,
    firstRound: extra.firstRound,
  };
  if (plan.images.length > 1) return renderImageSet({ ...shared, input });
  return [await runFeedbackLoop({ ...shared, image: plan.images[0]!, imageIndex: 0, promptOverride: extra.promptOverride })];
}

/** The image model alone (the paper's baseline): the request as the prompt, one render, no critique. */
async function directRender(run: Run): Promise<ImageOutcome> {
  const { input, options, recorder } = run;
  const rendered = await recorder.stage('render (direct)', () =>
    run.acts.gpu.renderImage({
      prompt: input.request,
      sections: [{ title: 'Prompt (direct, no agent)', body: input.request }],
      size: options.size,
      seed: options.seed,
      imageIndex: 0,
      round: 1,
      referenceKeys: input.inputImageKeys ?? [],
    }),
  );
  recorder.countImages(rendered.reRendered ? 2 : 1);
  const candidate: Candidate = {
    imageIndex: 0,
    round: 1,
    image: rendered.image,
    context: { prompt: input.request, subject: input.request, attributes: [], layout: '', style: '', textToRender: [], avoid: [], referenceKeys: input.inputImageKeys ?? [], size: options.size, ...(options.seed !== undefined ? { seed: options.seed } : {}) },
    renderedBy: renderedBy(rendered),
  };
  run.addCandidate(candidate);
  return { imageIndex: 0, imageId: 'image-1', brief: input.request, final: candidate, candidates: [candidate], stoppedBecause: 'direct' };
}

async function finish(run: Run, outcome: RunOutcome): Promise<GenerateImageResult> {
  const { input, options, recorder } = run;
  const info = workflowInfo();
  let remembered: GenerateImageResult['remembered'];
  const final = run.images[0]?.final;
  if (!options.ablations.noMemory && !options.ablations.direct) {
    run.setStage('remembering');
    // The images exist: a memory store that stays down past the window costs the turn's memory, never the run.
    const out = await recorder.stage('remember', () =>
      run.acts.memoryWrite.rememberTurn.executeWithOptions({ summary: 'remember the turn and update the profile' }, [{
        tenantId: input.tenantId,
        userId: input.userId,
        sessionId: input.sessionId ?? info.workflowId,
        request: input.request,
        composedPrompt: final?.context.prompt,
        // A rejected or expired result is not the user's image: memory keeps the turn, not the picture.
        imageKeys: outcome === 'completed' ? run.images.map((i) => i.final.image.key) : [],
      }]),
    ).catch((err: unknown) => {
      if (!(err instanceof ActivityFailure)) throw err;
      run.degradedLater.push({ stage: 'remember', dependency: 'memory', reason: `the turn was not remembered (${failureReason(err)})` });
      return undefined;
    });
    if (out) {
      recorder.record(out.calls);
      remembered = { turnInserted: out.turnInserted, profileApplied: out.profileApplied, learned: out.learned };
    }
  }
  run.setStage('reporting');
  const result = resultOf(run, outcome, remembered);
  const written = await writeReport(run, outcome, result);
  run.setStage('completed');
  const finalResult = { ...result, reportKey: written.key, ...(written.cost !== undefined ? { cost: written.cost } : {}) };
  run.notify('completed', { outcome, reportKey: written.key });
  await Promise.all(run.webhookDeliveries);
  return finalResult;
}

function resultOf(run: Run, outcome: RunOutcome, remembered?: GenerateImageResult['remembered']): GenerateImageResult {
  const images = run.images.map(withoutCalls);
  return {
    workflowId: workflowInfo().workflowId,
    request: run.input.request,
    outcome,
    approval: run.gate.approval,
    decisions: run.gate.decisions,
    providers: run.providers(),
    ...(run.plan ? { plan: run.plan } : {}),
    answers: run.grounded.answers.map((a) => ({ ...a, calls: [] })),
    ...(run.grounded.memory ? { memory: run.grounded.memory } : {}),
    checklist: run.checklist,
    images,
    ...(images[0] ? { final: images[0].final } : {}),
    ...(remembered ? { remembered } : {}),
    ...(run.degraded().length ? { degraded: run.degraded() } : {}),
    ablations: run.options.ablations,
    usage: run.recorder.usage,
    timings: run.recorder.timings,
  } as GenerateImageResult;
}

async function writeReport(run: Run, outcome: RunOutcome, result = resultOf(run, outcome)): Promise<{ key: string; cost?: number }> {
  const info = workflowInfo();
  return run.acts.report.writeReport({
    schemaVersion: 1,
    workflowId: info.workflowId,
    runId: info.runId,
    startedAt: new Date(info.startTime).toISOString(),
    input: run.input,
    result,
    calls: run.recorder.calls,
    ignoredSignals: run.gate.ignoredSignals,
  });
}

function stripCalls(c: Candidate): Candidate {
  return c.critique ? { ...c, critique: { ...c.critique, calls: [] } } : c;
}

/** Prompts live once in the report and the activity results; the workflow result carries verdicts only. */
function withoutCalls(outcome: ImageOutcome): ImageOutcome {
  return { ...outcome, final: stripCalls(outcome.final), candidates: outcome.candidates.map(stripCalls) };
}

/** Reference images for the renderer: the user's, relevant earlier turns', memory's and image search's. */
export function referencesFor(input: GenerateImageInput, grounded: Grounded): { key: string; description: string }[] {
  const refs = [
    ...(input.inputImageKeys ?? []).map((key) => ({ key, description: 'an image the user supplied' })),
    ...(input.history ?? []).flatMap((t) => t.imageKeys.slice(0, 1).map((key) => ({ key, description: `the image from turn ${t.index} ("${t.request}")` }))),
    ...grounded.memoryReferenceKeys.map((key) => ({ key, description: 'an earlier image of this user that the request refers to' })),
    ...grounded.answers.flatMap((a) => a.references.map((r, i) => ({ key: r.key, description: a.items[i]?.text ?? `reference for: ${a.question}` }))),
  ];
  const seen = new Set<string>();
  return refs.filter((r) => !seen.has(r.key) && seen.add(r.key)).slice(0, 4);
}
