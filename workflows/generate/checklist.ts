/** checklist: planned once per request, the yes/no statements every candidate is judged against. */
import type { ChecklistItem } from '../../common/generation';
import type { Run } from './run';

export async function checklist(run: Run): Promise<ChecklistItem[]> {
  // Without the feedback loop nothing is judged, so nothing is planned.
  if (run.options.ablations.noFeedback) return run.checklist;
  run.setStage('checklist');
  return planChecklist(run);
}

/**
 * The checklist planned while the first prompt is composed and rendered (CHECKLIST_BESIDE_FIRST_RENDER):
 * the feedback loop awaits it before the first critique. A failure surfaces there, not as an unhandled
 * rejection while the render runs.
 */
export function checklistInBackground(run: Run): Promise<ChecklistItem[]> {
  if (run.options.ablations.noFeedback) return Promise.resolve(run.checklist);
  const pending = planChecklist(run);
  pending.catch(() => undefined);
  return pending;
}

async function planChecklist(run: Run): Promise<ChecklistItem[]> {
  const { input, recorder } = run;
  const items = await recorder.stage('checklist', () =>
    run.acts.checklist.planChecklist({ request: input.request, plan: run.plan!, answers: run.grounded.answers, memory: run.grounded.memory }),
  );
  recorder.record(items.calls);
  run.checklist = items.value;
  return items.value;
}
