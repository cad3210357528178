/**
 * [review]: the result gate. Approve ends it; reject with feedback renders a new round with the reviewer's words;
 * an edit renders and judges the reviewer's prompt or checklist once (loop/editedRender.ts). An approval may deliver an
 * earlier candidate instead of the latest.
 */
import type { Feedback } from '../../../common/generation';
import type { RunOutcome } from '../../../common/runResult';
import { notify, reviewDeadline } from '../notify';
import { renderImages } from '../loop/renderImages';
import { renderEdited } from '../loop/editedRender';
import type { Run } from '../run';
import { patched } from '@temporalio/workflow';
import { REVIEW_CHOICE } from '../../patches';

/** An approval of an earlier candidate: that one becomes the image's final (the validator checked it is the run's). */
function deliverChosen(run: Run, chosenKey: string | undefined): void {
  const chosen = chosenKey === undefined ? undefined : run.images[0]?.candidates.find((c) => c.image.key === chosenKey);
  if (!chosen || !patched(REVIEW_CHOICE)) return;
  run.images[0] = { ...run.images[0]!, final: chosen };
}

export async function resultReview(run: Run): Promise<RunOutcome> {
  const { gate, input } = run;
  if (!input.review?.required) return 'completed';
  for (;;) {
    run.setStage('awaiting_review');
    notify(run, 'review_needed', { kind: 'result', candidateKey: run.reviewKey(), ...reviewDeadline(run) });
    const decided = await gate.awaitResult(run.reviewKey()!);
    if (decided.kind === 'approved') {
      deliverChosen(run, decided.record.chosenKey);
      return 'completed';
    }
    if (decided.kind === 'edited') {
      run.setStage('generating');
      await renderEdited(run, decided);
      continue;
    }
    if (decided.kind !== 'rejected_with_feedback') return decided.kind;
    run.setStage('generating');
    const lastRound = Math.max(...run.candidates.map((c) => c.round));
    const feedback: Feedback = { round: lastRound, previousPrompt: run.images[0]!.final.context.prompt, failed: [], reviewer: decided.record.feedback };
    const rerun = await renderImages(run, { feedback, firstRound: lastRound + 1, maxRounds: 1 });
    // The new candidates join the old ones; each image keeps every candidate it ever had.
    run.images = rerun.map((o, i) => ({ ...o, candidates: [...(run.images[i]?.candidates ?? []), ...o.candidates], final: o.final }));
  }
}
