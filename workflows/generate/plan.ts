/** plan: which context is missing, as questions routed to reason | web | image | memory, and how many images. */
import type { Run } from './run';

export async function plan(run: Run): Promise<void> {
  const { input, recorder } = run;
  run.setStage('planning');
  const planned = await recorder.stage('plan', () =>
    run.acts.plan.planContext({
      request: input.request,
      history: input.history ?? [],
      inputImageCount: input.inputImageKeys?.length ?? 0,
      today: run.today,
      // Absent (and so not sent) in runs started before tenant policies: the same activity input as they recorded.
      maxImages: input.options?.maxImages,
    }),
  );
  recorder.record(planned.calls);
  run.plan = planned.value;
}
