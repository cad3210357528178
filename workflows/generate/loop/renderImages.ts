/**
 * The feedback loop over every planned image: compose → render → critique per image (feedbackLoop.ts),
 * one image in this workflow, several as GenerateImagePart children (imageSet.ts).
 */
import type { ChecklistItem, Feedback } from '../../../common/generation';
import type { GenerateImageInput } from '../../../common/request';
import type { ImageOutcome } from '../../../common/runResult';
import { runFeedbackLoop } from './feedbackLoop';
import type { Grounded } from '../ground/groundContext';
import { renderImageSet } from '../images/imageSet';
import type { Run } from '../run';

export interface RenderExtra {
  feedback?: Feedback;
  promptOverride?: string;
  firstRound?: number;
  maxRounds?: number;
}

/** `checklist`, when given, may still be planned: a single image's loop awaits it before its first critique. */
export async function renderImages(
  run: Run,
  extra: RenderExtra,
  checklist: Promise<ChecklistItem[]> | ChecklistItem[] = run.checklist,
): Promise<ImageOutcome[]> {
  const { input } = run;
  const plan = run.plan!;
  const shared = {
    request: input.request,
    plan,
    answers: run.grounded.answers,
    memory: run.grounded.memory,
    history: input.history ?? [],
    references: referencesFor(input, run.grounded),
    checklist,
    options: extra.maxRounds ? { ...run.options, maxRounds: extra.maxRounds } : run.options,
    today: run.today,
    recorder: run.recorder,
    onCandidate: run.addCandidate,
    feedback: extra.feedback,
    firstRound: extra.firstRound,
    priority: run.dispatchNow(),
  };
  if (plan.images.length > 1) return renderImageSet({ ...shared, checklist: await checklist, input });
  return [await runFeedbackLoop({ ...shared, image: plan.images[0]!, imageIndex: 0, promptOverride: extra.promptOverride })];
}

/** Reference images for the renderer: the user's, relevant earlier turns', memory's and image search's. */
function referencesFor(input: GenerateImageInput, grounded: Grounded): { key: string; description: string }[] {
  const refs = [
    ...(input.inputImageKeys ?? []).map((key) => ({ key, description: 'an image the user supplied' })),
    ...(input.history ?? []).flatMap((t) => t.imageKeys.slice(0, 1).map((key) => ({ key, description: `the image from turn ${t.index} ("${t.request}")` }))),
    ...grounded.memoryReferenceKeys.map((key) => ({ key, description: 'an earlier image of this user that the request refers to' })),
    ...grounded.answers.flatMap((a) => a.references.map((r, i) => ({ key: r.key, description: a.items[i]?.text ?? `reference for: ${a.question}` }))),
  ];
  const seen = new Set<string>();
  return refs.filter((r) => !seen.has(r.key) && seen.add(r.key)).slice(0, 4);
}
