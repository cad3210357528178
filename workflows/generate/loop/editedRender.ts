/**
 * A reviewer's edit, rendered: the image under review is rendered once with the edited prompt (or its own),
 * and judged once against the edited checklist (or the run's). No compose, no planning, no grounding: an edit
 * costs exactly one render and one critique. The new candidate becomes the one under review.
 */
import { ActivityFailure, ApplicationFailure, patched } from '@temporalio/workflow';
import { unverifiedCritique, type Candidate } from '../../../common/generation';
import { activitiesFor } from '../../activityStubs';
import { REVIEW_EDIT } from '../../patches';
import type { Run } from '../run';
import { renderedBy } from './renderedBy';
import { sectionsOf } from './feedbackLoop';

export async function renderEdited(run: Run, edit: { prompt?: string; checklist?: string[] }): Promise<void> {
  // Only reached through an edit, which no run before this code received.
  if (!patched(REVIEW_EDIT)) throw ApplicationFailure.nonRetryable('an edit reached a run recorded before edits existed');
  const image = run.images[0]!;
  const under = image.final;
  const round = Math.max(...run.candidates.map((c) => c.round)) + 1;
  if (edit.checklist) run.checklist = edit.checklist.map((statement, i) => ({ id: `edit-r${round}-${i + 1}`, statement }));
  const context = { ...under.context, ...(edit.prompt !== undefined ? { prompt: edit.prompt } : {}) };
  const { critique, gpu } = activitiesFor(run.options.outageWindow, run.dispatchNow());
  const rendered = await run.recorder.stage(`render (image ${under.imageIndex}, round ${round}, edited)`, () =>
    gpu.renderImage.executeWithOptions({ summary: `render image ${under.imageIndex} round ${round} (reviewer's edit)` }, [
      {
        prompt: context.prompt,
        // The composed sections describe the composed prompt: an edited one is rendered as the reviewer wrote it.
        sections: edit.prompt !== undefined ? [{ title: 'Prompt (edited by the reviewer)', body: edit.prompt }] : sectionsOf(context),
        size: context.size,
        seed: context.seed,
        imageIndex: under.imageIndex,
        round,
        referenceKeys: context.referenceKeys,
      },
    ]),
  );
  run.recorder.countImages(rendered.reRendered ? 2 : 1);
  const candidate: Candidate = { imageIndex: under.imageIndex, round, image: rendered.image, context, renderedBy: renderedBy(rendered) };
  try {
    candidate.critique = await run.recorder.stage(`critique (image ${under.imageIndex}, round ${round}, edited)`, () =>
      critique.critiqueImage.executeWithOptions({ summary: `critique image ${under.imageIndex} round ${round} (reviewer's edit)` }, [
        { request: run.input.request, imageKey: rendered.image.key, checklist: run.checklist, referenceKeys: context.referenceKeys },
      ]),
    );
    run.recorder.record(candidate.critique.calls);
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    // The reviewer still gets the image to decide on, every item unverified, and why.
    candidate.critique = unverifiedCritique(run.checklist, `the critic was unavailable: ${err.cause?.message ?? err.message}`, 'offline', 'none');
  }
  run.addCandidate(candidate);
  // The reviewer asked for this one: it is the candidate under review next, whatever its checks say.
  run.images = [{ ...image, candidates: [...image.candidates, candidate], final: candidate }, ...run.images.slice(1)];
}
