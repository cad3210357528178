/**
 * compose → render → critique, looping on the failures: failed checklist items become feedback for the
 * next compose. At most maxRounds renders; stop as soon as every item passes; otherwise the candidate with
 * the most items passed is returned. Every candidate stays in S3.
 */
import { ActivityFailure } from '@temporalio/workflow';
import type { GroundedAnswer, MemoryContext } from '../../../common/evidence';
import {
  bestCandidate,
  feedbackFrom,
  stopAfterCritique,
  unverifiedCritique,
  type Candidate,
  type ChecklistItem,
  type Feedback,
} from '../../../common/generation';
import type { ContextPlan, PlannedImage } from '../../../common/plan';
import type { GenerateOptions, HistoryTurn } from '../../../common/request';
import type { ImageOutcome, StopReason } from '../../../common/runResult';
import { activitiesFor } from '../../activityStubs';
import type { RunRecorder } from '../runRecorder';
import { renderedBy } from './renderedBy';

export interface FeedbackLoopArgs {
  request: string;
  plan: ContextPlan;
  image: PlannedImage;
  imageIndex: number;
  answers: GroundedAnswer[];
  memory?: MemoryContext;
  history: HistoryTurn[];
  references: { key: string; description: string }[];
  /** May still be being planned (CHECKLIST_BESIDE_FIRST_RENDER): awaited before the first critique. */
  checklist: ChecklistItem[] | Promise<ChecklistItem[]>;
  options: GenerateOptions;
  today: string;
  recorder: RunRecorder;
  /** Round numbers continue after earlier rounds (a reviewer's rejection starts a new round). */
  firstRound?: number;
  feedback?: Feedback;
  /** A reviewer's edited prompt, rendered in the first round instead of the composed one. */
  promptOverride?: string;
  /** Called after each candidate, for status and audit. */
  onCandidate?: (candidate: Candidate) => void;
  /** The activities' priority when not the run's own (after a review decision, common/dispatchPriority.ts). */
  priority?: Parameters<typeof activitiesFor>[1];
}

export async function runFeedbackLoop(args: FeedbackLoopArgs): Promise<ImageOutcome> {
  const { options, recorder } = args;
  const { compose, critique, gpu } = activitiesFor(options.outageWindow, args.priority);
  const rounds = options.ablations.noFeedback ? 1 : options.maxRounds;
  const first = args.firstRound ?? 1;
  const candidates: Candidate[] = [];
  let feedback = args.feedback;
  let stoppedBecause: StopReason = options.ablations.noFeedback ? 'no_feedback' : 'max_rounds';

  for (let round = first; round < first + rounds; round++) {
    const context = await recorder.stage(`compose (image ${args.imageIndex}, round ${round})`, async () => {
      const out = await compose.composePrompt.executeWithOptions({ summary: `compose image ${args.imageIndex} round ${round}` }, [
        {
          request: args.request,
          plan: args.plan,
          image: args.image,
          // The composer reads the answers, not the calls that produced them (those are in the report).
          answers: args.answers.map((a) => ({ ...a, calls: [] })),
          memory: args.memory,
          history: args.history,
          references: args.references,
          feedback,
          size: options.size,
          seed: options.seed,
          today: args.today,
        },
      ]);
      recorder.record(out.calls);
      return round === first && args.promptOverride ? { ...out.value, prompt: args.promptOverride } : out.value;
    });

    const rendered = await recorder.stage(`render (image ${args.imageIndex}, round ${round})`, () =>
      gpu.renderImage.executeWithOptions({ summary: `render image ${args.imageIndex} round ${round}` }, [
        {
          prompt: context.prompt,
          sections: sectionsOf(context),
          size: context.size,
          seed: context.seed,
          imageIndex: args.imageIndex,
          round,
          referenceKeys: context.referenceKeys,
        },
      ]),
    );
    recorder.countImages(rendered.reRendered ? 2 : 1);
    const candidate: Candidate = {
      imageIndex: args.imageIndex,
      round,
      image: rendered.image,
      context,
      renderedBy: renderedBy(rendered),
    };
    candidates.push(candidate);

    const checklist = await args.checklist;
    const judging = !options.ablations.noFeedback && checklist.length > 0;
    if (!judging) {
      args.onCandidate?.(candidate);
      if (!options.ablations.noFeedback) stoppedBecause = 'all_passed';
      break;
    }
    try {
      candidate.critique = await recorder.stage(`critique (image ${args.imageIndex}, round ${round})`, () =>
        critique.critiqueImage.executeWithOptions({ summary: `critique image ${args.imageIndex} round ${round}` }, [
          { request: args.request, imageKey: rendered.image.key, checklist, referenceKeys: context.referenceKeys },
        ]),
      );
      recorder.record(candidate.critique.calls);
    } catch (err) {
      if (!(err instanceof ActivityFailure)) throw err;
      // A judge outage should not cost the user the image: keep it, every item unverified, and say why.
      candidate.critique = unverifiedCritique(checklist, `the critic was unavailable: ${err.cause?.message ?? err.message}`, 'offline', 'none');
      args.onCandidate?.(candidate);
      stoppedBecause = 'critique_unavailable';
      break;
    }
    args.onCandidate?.(candidate);
    const stop = stopAfterCritique(candidate.critique);
    if (stop) {
      stoppedBecause = stop;
      break;
    }
    feedback = feedbackFrom(round, context.prompt, candidate.critique, checklist);
  }
  return { imageIndex: args.imageIndex, imageId: args.image.id, brief: args.image.brief, final: bestCandidate(candidates)!, candidates, stoppedBecause };
}

export function sectionsOf(c: { subject: string; attributes: string[]; layout: string; style: string; textToRender: string[]; avoid: string[] }) {
  return [
    { title: 'Subject', body: c.subject },
    { title: 'Details', body: c.attributes.join('; ') },
    { title: 'Layout', body: c.layout },
    { title: 'Style', body: c.style },
    { title: 'Text to render', body: c.textToRender.map((t) => `"${t}"`).join(', ') },
    { title: 'Avoid', body: c.avoid.join(', ') },
  ].filter((s) => s.body.trim());
}
