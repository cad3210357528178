/**
 * GenerateImage: one request, end to end, as a durable workflow (the paper's method).
 *   plan → ground (DAG) → checklist → [compose → render → critique]* → remember → report
 * Several planned images run as GenerateImagePart children (independent ones in parallel).
 */
import { workflowInfo } from '@temporalio/workflow';
import type { GroundedAnswer } from '../common/evidence';
import type { Candidate, ChecklistItem } from '../common/generation';
import type { ContextPlan } from '../common/plan';
import { DEFAULT_OPTIONS, type GenerateImageInput, type GenerateOptions } from '../common/request';
import type { GenerateImageResult, ImageOutcome } from '../common/runResult';
import type { ProviderLabel } from '../common/types';
import { checklist, gpu, memory, plan, report } from './activityStubs';
import { recordCandidate, setStage } from './audit';
import { runFeedbackLoop } from './feedbackLoop';
import { groundContext, type Grounded } from './groundContext';
import { renderImageSet } from './imageSet';
import { RunRecorder } from './runRecorder';

/** Memory's share of the prompt, in characters (profile, recalled turns, knowledge). */
const MEMORY_BUDGET_CHARS = 4000;

export function resolveOptions(partial: Partial<GenerateOptions> | undefined): GenerateOptions {
  return { ...DEFAULT_OPTIONS, ...partial, ablations: { ...partial?.ablations } };
}

export async function generateImage(input: GenerateImageInput): Promise<GenerateImageResult> {
  const info = workflowInfo();
  const options = resolveOptions(input.options);
  const recorder = new RunRecorder();
  const today = new Date().toISOString().slice(0, 10);
  const history = input.history ?? [];
  const candidates: Candidate[] = [];
  const onCandidate = (c: Candidate): void => {
    candidates.push(c);
    recordCandidate(candidates, 'generating');
  };

  if (options.ablations.direct) return directRender(input, options, recorder, onCandidate);

  setStage('planning');
  const planned = await recorder.stage('plan', () =>
    plan.planContext({ request: input.request, history, inputImageCount: input.inputImageKeys?.length ?? 0, today }),
  );
  recorder.record(planned.calls);
  const contextPlan = planned.value;

  setStage('grounding');
  const grounded = await recorder.stage('ground', () =>
    groundContext({
      request: input.request,
      plan: contextPlan,
      tenantId: input.tenantId,
      userId: input.userId,
      today,
      ablations: options.ablations,
      excludeWorkflowIds: history.map((t) => t.workflowId),
      memoryBudgetChars: MEMORY_BUDGET_CHARS,
    }),
  );
  for (const a of grounded.answers) recorder.record(a.calls);

  let items: ChecklistItem[] = [];
  if (!options.ablations.noFeedback) {
    setStage('checklist');
    const planned = await recorder.stage('checklist', () =>
      checklist.planChecklist({ request: input.request, plan: contextPlan, answers: grounded.answers, memory: grounded.memory }),
    );
    recorder.record(planned.calls);
    items = planned.value;
  }

  setStage('generating');
  const references = referencesFor(input, grounded);
  const outcomes: ImageOutcome[] =
    contextPlan.images.length === 1
      ? [
          await runFeedbackLoop({
            request: input.request,
            plan: contextPlan,
            image: contextPlan.images[0]!,
            imageIndex: 0,
            answers: grounded.answers,
            memory: grounded.memory,
            history,
            references,
            checklist: items,
            options,
            today,
            recorder,
            onCandidate,
          }),
        ]
      : await renderImageSet({ input, plan: contextPlan, grounded, references, checklist: items, options, today, recorder, onCandidate });

  return finish(input, options, recorder, { plan: contextPlan, answers: grounded.answers, memory: grounded.memory, checklist: items, images: outcomes });
}

/** The image model alone (the paper's baseline): the request as the prompt, one render, no critique. */
async function directRender(input: GenerateImageInput, options: GenerateOptions, recorder: RunRecorder, onCandidate: (c: Candidate) => void): Promise<GenerateImageResult> {
  setStage('generating');
  const rendered = await recorder.stage('render (direct)', () =>
    gpu().renderImage({
      prompt: input.request,
      sections: [{ title: 'Prompt (direct, no agent)', body: input.request }],
      size: options.size,
      seed: options.seed,
      imageIndex: 0,
      round: 1,
      referenceKeys: input.inputImageKeys ?? [],
    }),
  );
  recorder.countImages(1);
  const candidate: Candidate = {
    imageIndex: 0,
    round: 1,
    image: rendered.image,
    context: { prompt: input.request, subject: input.request, attributes: [], layout: '', style: '', textToRender: [], avoid: [], referenceKeys: input.inputImageKeys ?? [], size: options.size, ...(options.seed !== undefined ? { seed: options.seed } : {}) },
    renderedBy: { provider: rendered.provider, model: rendered.model, mode: rendered.mode },
  };
  onCandidate(candidate);
  const outcome: ImageOutcome = { imageIndex: 0, imageId: 'image-1', brief: input.request, final: candidate, candidates: [candidate], stoppedBecause: 'direct' };
  return finish(input, options, recorder, { answers: [], checklist: [], images: [outcome] });
}

interface Produced {
  plan?: ContextPlan;
  answers: GroundedAnswer[];
  memory?: Grounded['memory'];
  checklist: ChecklistItem[];
  images: ImageOutcome[];
}

async function finish(input: GenerateImageInput, options: GenerateOptions, recorder: RunRecorder, produced: Produced): Promise<GenerateImageResult> {
  const info = workflowInfo();
  const final = produced.images[0]!.final;
  let remembered: GenerateImageResult['remembered'];
  if (!options.ablations.noMemory && !options.ablations.direct) {
    setStage('remembering');
    const out = await recorder.stage('remember', () =>
      memory.rememberTurn({
        tenantId: input.tenantId,
        userId: input.userId,
        sessionId: input.sessionId ?? info.workflowId,
        request: input.request,
        composedPrompt: final.context.prompt,
        imageKeys: produced.images.map((i) => i.final.image.key),
      }),
    );
    recorder.record(out.calls);
    remembered = { turnInserted: out.turnInserted, profileApplied: out.profileApplied, learned: out.learned };
  }

  const result: GenerateImageResult = {
    workflowId: info.workflowId,
    request: input.request,
    providers: providerLabel(recorder, produced.images),
    ...(produced.plan ? { plan: produced.plan } : {}),
    answers: produced.answers.map((a) => ({ ...a, calls: [] })),
    ...(produced.memory ? { memory: produced.memory } : {}),
    checklist: produced.checklist,
    images: produced.images.map(withoutCalls),
    final: withoutCalls(produced.images[0]!).final,
    ...(remembered ? { remembered } : {}),
    ablations: options.ablations,
    usage: recorder.usage,
    timings: recorder.timings,
  };
  setStage('reporting');
  const written = await report.writeReport({
    schemaVersion: 1,
    workflowId: info.workflowId,
    runId: info.runId,
    startedAt: new Date(info.startTime).toISOString(),
    input,
    result,
    calls: recorder.calls,
  });
  setStage('completed');
  return { ...result, reportKey: written.key };
}

/** Which providers ran: offline as soon as any step was offline, so an offline output is never mistaken. */
function providerLabel(recorder: RunRecorder, images: ImageOutcome[]): ProviderLabel {
  const offline = recorder.calls.some((c) => c.provider === 'offline') || images.some((i) => i.candidates.some((c) => c.renderedBy.provider === 'offline'));
  return offline ? 'offline' : 'openai';
}

/** Prompts live once in the report and the activity results; the workflow result carries verdicts only. */
function withoutCalls(outcome: ImageOutcome): ImageOutcome {
  const strip = (c: Candidate): Candidate => (c.critique ? { ...c, critique: { ...c.critique, calls: [] } } : c);
  return { ...outcome, final: strip(outcome.final), candidates: outcome.candidates.map(strip) };
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
