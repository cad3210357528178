/** Live progress of a run in the terminal: stage changes, each round's verdicts, a pending review. */
import type { WorkflowHandle } from '@temporalio/client';
import { verdictSummary } from '../../common/generation';
import { statusQuery, type RunStatus } from '../../workflows/generate/generationMessages';

export async function watchRun(handle: WorkflowHandle, print: (line: string) => void, intervalMs = 1000): Promise<void> {
  let lastStage = '';
  let seenCandidates = 0;
  let announcedReview = '';
  const done = handle.result().then(
    () => true,
    () => true,
  );
  for (;;) {
    const finished = await Promise.race([done, new Promise<false>((r) => setTimeout(() => r(false), intervalMs))]);
    let status: RunStatus | undefined;
    try {
      status = await handle.query(statusQuery);
    } catch {
      status = undefined; // no worker has picked the run up yet
    }
    if (status) {
      // Rounds first: a poll that sees the last round and "completed" together prints them in the order they happened.
      const newRounds = status.candidates.slice(seenCandidates);
      for (const c of newRounds) {
        print(`  image ${c.imageIndex} round ${c.round}: ${c.critique ? `${verdictSummary(c.critique)} (checks)` : 'rendered'}`);
      }
      seenCandidates = status.candidates.length;
      if (status.stage !== lastStage) {
        print(`… ${status.stage.replace(/_/g, ' ')}`);
        lastStage = status.stage;
      }
      const pending = status.pendingReview;
      const marker = pending ? `${pending.kind}:${pending.candidateKey ?? ''}` : '';
      if (pending && marker !== announcedReview) {
        print(
          pending.kind === 'plan'
            ? `  waiting for plan review: image-agent approve-plan ${handle.workflowId}`
            : `  waiting for review of ${pending.candidateKey}: image-agent approve ${handle.workflowId}  |  image-agent reject ${handle.workflowId} --feedback "…"`,
        );
        announcedReview = marker;
      }
    }
    if (finished) return;
  }
}
