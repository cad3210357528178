/**
 * Generation-level planning for several images: each planned image is a GenerateImagePart child. Images
 * whose dependencies are done start at once (parallel); dependent ones follow with their parents' finals
 * as references, so the set shares one style.
 */
import { executeChild, workflowInfo } from '@temporalio/workflow';
import type { ChecklistItem } from '../../../common/generation';
import type { GenerateImageInput } from '../../../common/request';
import type { ImageOutcome } from '../../../common/runResult';
import type { FeedbackLoopArgs } from '../loop/feedbackLoop';
import { runDag } from '../../dagRunner';
import { generateImagePart } from './generateImagePart';

/** The same context a single image's loop gets, for every image of the set, plus who asked. */
export type ImageSetArgs = Omit<FeedbackLoopArgs, 'image' | 'imageIndex' | 'promptOverride' | 'checklist'> & {
  input: GenerateImageInput;
  checklist: ChecklistItem[];
};

export async function renderImageSet(args: ImageSetArgs): Promise<ImageOutcome[]> {
  const { plan, onCandidate } = args;
  const info = workflowInfo();
  // Children get the grounded context without the parent's model-call records (those stay in its history).
  const answers = args.answers.map((a) => ({ ...a, calls: [] }));

  const done = await runDag(plan.images, (image, index, finished: ReadonlyMap<string, ImageOutcome>) =>
    executeChild(generateImagePart, {
      // A reviewer's rejection re-renders the set: each pass gets its own child ids.
      workflowId: `${info.workflowId}-image-${index}${args.firstRound ? `-r${args.firstRound}` : ''}`,
      staticSummary: `image ${index}: ${image.brief}`.slice(0, 200),
      typedSearchAttributes: info.typedSearchAttributes,
      // After a review decision the set's re-render goes first; otherwise each image inherits the run's priority.
      ...(args.priority ? { priority: args.priority } : {}),
      args: [
        {
          parent: { request: args.input.request, tenantId: args.input.tenantId, userId: args.input.userId, history: args.input.history },
          part: {
            imageIndex: index,
            image,
            plan,
            answers,
            memory: args.memory,
            checklist: args.checklist.filter((c) => !c.imageId || c.imageId === image.id),
            dependencyImageKeys: image.dependsOn.map((d) => finished.get(d)!.final.image.key),
          },
          references: args.references,
          options: args.options,
          today: args.today,
          feedback: args.feedback,
          firstRound: args.firstRound,
        },
      ],
    }).then((result) => {
      args.recorder.absorb(result.recorded);
      for (const c of result.outcome.candidates) onCandidate?.(c);
      return result.outcome;
    }),
  );
  return plan.images.map((image) => done.get(image.id)!);
}
