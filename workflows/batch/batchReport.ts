/** The batch's report: written by an activity from the case results in object storage, with the batch's stage upserted around it. */
import type { BatchInput, BatchResult } from '../../common/batch';
import { Stage } from '../../common/searchAttributes';
import { upsertSearchAttributes } from '@temporalio/workflow';
import { activitiesFor } from '../activityStubs';

export async function writeReport(input: BatchInput, ending: 'completed' | 'cancelled'): Promise<BatchResult['report']> {
  upsertSearchAttributes([{ key: Stage, value: 'reporting' }]);
  const written = await activitiesFor(input.options?.outageWindow).batch.writeBatchReport({
    batchId: input.batchId,
    suite: input.suite,
    system: input.system,
    manifestKey: input.manifestKey,
    generatedAt: new Date().toISOString(),
  });
  upsertSearchAttributes([{ key: Stage, value: ending }]);
  return {
    json: written.json,
    markdown: written.markdown,
    chart: written.chart,
    imagesPrefix: written.imagesPrefix,
    ...(written.official ? { official: written.official } : {}),
  };
}
