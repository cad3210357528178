/**
 * Batch input: the manifest of cases lives in S3 and is read a page at a time, so a batch of any size keeps
 * small workflow payloads. Each page says which of its cases already have a result, so a batch started again
 * (after a cancellation, say) neither generates nor judges them twice.
 */
import type { BatchCase } from '../common/batch';
import { caseResultKey } from '../common/objectKeys';
import type { AgentDeps } from './agentDeps';

export interface CasePage {
  cases: BatchCase[];
  /** Ids in this page that already have a result object. */
  finished: string[];
}

export function loadBatchCasesActivity(deps: Pick<AgentDeps, 'store'>) {
  return async function loadBatchCases(input: { batchId: string; manifestKey: string; offset: number; limit: number }): Promise<CasePage> {
    const manifest = await deps.store.getJson<{ cases: BatchCase[] }>(input.manifestKey);
    const cases = manifest.cases.slice(input.offset, input.offset + input.limit);
    const done = await Promise.all(cases.map((c) => deps.store.exists(caseResultKey(input.batchId, c.id))));
    return { cases, finished: cases.filter((_, i) => done[i]).map((c) => c.id) };
  };
}
