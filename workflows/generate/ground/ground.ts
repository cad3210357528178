/** ground: the plan's questions as a DAG (groundContext.ts), each answered by its own source. */
import { groundContext } from './groundContext';
import type { Run } from '../run';

/** Memory's share of the prompt, in characters (profile, recalled turns, knowledge). */
const MEMORY_BUDGET_CHARS = 4000;

export async function ground(run: Run): Promise<void> {
  const { input, options, recorder } = run;
  run.setStage('grounding');
  run.grounded = await recorder.stage('ground', () =>
    groundContext({
      request: input.request,
      plan: run.plan!,
      tenantId: input.tenantId,
      userId: input.userId,
      today: run.today,
      ablations: options.ablations,
      excludeWorkflowIds: (input.history ?? []).map((t) => t.workflowId),
      memoryBudgetChars: MEMORY_BUDGET_CHARS,
      outageWindow: options.outageWindow,
    }),
  );
  for (const a of run.grounded.answers) recorder.record(a.calls);
}
