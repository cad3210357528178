/** [plan review]: an optional human gate before anything is rendered; the reviewer may add instructions or edit the prompt. */
import type { Feedback } from '../../../common/generation';
import { notify, reviewDeadline } from '../notify';
import type { Run } from '../run';

/** What the first render starts from: the reviewer's instructions as feedback, or an edited prompt. */
export interface RenderStart {
  feedback?: Feedback;
  promptOverride?: string;
}

/** Undefined when the reviewer rejected the plan (the run ends without rendering). */
export async function planReview(run: Run): Promise<RenderStart | undefined> {
  if (!run.input.review?.planApproval) return {};
  run.setStage('awaiting_plan_review');
  notify(run, 'review_needed', { kind: 'plan', ...reviewDeadline(run) });
  const decided = await run.gate.awaitPlan();
  if (decided.kind === 'rejected') return undefined;
  const { instructions, prompt } = decided.decision;
  return {
    ...(instructions ? { feedback: { round: 0, previousPrompt: '', failed: [], reviewer: instructions } } : {}),
    promptOverride: prompt,
  };
}
