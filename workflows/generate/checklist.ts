/** checklist: planned once per request, the yes/no statements every candidate is judged against. */
import type { Run } from './run';

export async function checklist(run: Run): Promise<void> {
  const { input, recorder } = run;
  // Without the feedback loop nothing is judged, so nothing is planned.
  if (run.options.ablations.noFeedback) return;
  run.setStage('checklist');
  const items = await recorder.stage('checklist', () =>
    run.acts.checklist.planChecklist({ request: input.request, plan: run.plan!, answers: run.grounded.answers, memory: run.grounded.memory }),
  );
  recorder.record(items.calls);
  run.checklist = items.value;
}
