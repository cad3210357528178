/** remember: the turn and what it revealed about the user, once per run id (idempotent). */
import { ActivityFailure, workflowInfo } from '@temporalio/workflow';
import { failureReason } from '../../common/causeChain';
import type { GenerateImageResult, RunOutcome } from '../../common/runResult';
import type { Run } from './run';

export async function remember(run: Run, outcome: RunOutcome): Promise<GenerateImageResult['remembered']> {
  const { input, options, recorder } = run;
  if (options.ablations.noMemory || options.ablations.direct) return undefined;
  run.setStage('remembering');
  // The images exist: a memory store that stays down past the window costs the turn's memory, never the run.
  const out = await recorder
    .stage('remember', () =>
      run.acts.memoryWrite.rememberTurn.executeWithOptions({ summary: 'remember the turn and update the profile' }, [
        {
          tenantId: input.tenantId,
          userId: input.userId,
          sessionId: input.sessionId ?? workflowInfo().workflowId,
          request: input.request,
          composedPrompt: run.images[0]?.final.context.prompt,
          // A rejected or expired result is not the user's image: memory keeps the turn, not the picture.
          imageKeys: outcome === 'completed' ? run.images.map((i) => i.final.image.key) : [],
        },
      ]),
    )
    .catch((err: unknown) => {
      if (!(err instanceof ActivityFailure)) throw err;
      run.degradedLater.push({ stage: 'remember', dependency: 'memory', reason: `the turn was not remembered (${failureReason(err)})` });
      return undefined;
    });
  if (!out) return undefined;
  recorder.record(out.calls);
  return { turnInserted: out.turnInserted, profileApplied: out.profileApplied, learned: out.learned };
}
