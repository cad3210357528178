/**
 * One image of a multi-image request, as a child workflow of GenerateImage: its own compose/render/critique
 * loop over the context the parent already grounded, with its dependencies' images as references.
 */
import type { Candidate, Feedback } from '../../../common/generation';
import type { GenerateImageInput, GenerateOptions, ImagePart } from '../../../common/request';
import type { ImageOutcome } from '../../../common/runResult';
import type { ModelCallRecord, Usage } from '../../../common/modelCall';
import type { StageTiming } from '../../../common/runResult';
import { recordCandidate, setStage } from '../audit';
import { runFeedbackLoop } from '../loop/feedbackLoop';
import { RunRecorder } from '../runRecorder';

export interface GenerateImagePartInput {
  parent: Pick<GenerateImageInput, 'request' | 'tenantId' | 'userId' | 'history'>;
  part: ImagePart;
  references: { key: string; description: string }[];
  options: GenerateOptions;
  today: string;
  feedback?: Feedback;
  firstRound?: number;
}

export interface GenerateImagePartResult {
  outcome: ImageOutcome;
  recorded: { timings: StageTiming[]; calls: ModelCallRecord[]; usage: Usage };
}

export async function generateImagePart(input: GenerateImagePartInput): Promise<GenerateImagePartResult> {
  const recorder = new RunRecorder();
  const candidates: Candidate[] = [];
  setStage('generating');
  const { part } = input;
  const outcome = await runFeedbackLoop({
    request: input.parent.request,
    plan: part.plan,
    image: part.image,
    imageIndex: part.imageIndex,
    answers: part.answers,
    memory: part.memory,
    history: input.parent.history ?? [],
    references: [
      ...input.references,
      ...part.dependencyImageKeys.map((key) => ({ key, description: 'an earlier image of this set: match its style, palette and characters' })),
    ],
    checklist: part.checklist,
    options: input.options,
    today: input.today,
    feedback: input.feedback,
    firstRound: input.firstRound,
    recorder,
    onCandidate: (c) => {
      candidates.push(c);
      recordCandidate(candidates, 'generating');
    },
  });
  setStage('completed');
  return { outcome, recorded: { timings: recorder.timings, calls: recorder.calls, usage: recorder.usage } };
}
