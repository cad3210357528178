/**
 * Batch input: the manifest of cases lives in S3 in pages, read one at a time, so a batch of any size keeps
 * small workflow payloads. Each page says which of its cases already have a result, so a batch started again
 * (after a cancellation, say) neither generates nor judges them twice.
 */
import type { BatchCase, BatchManifest } from '../common/batch';
import { batchManifestPageKey, caseResultKey, caseResultsPrefix } from '../common/objectKeys';
import type { ObjectStore } from '../providers/objectStore';
import type { AgentDeps } from './agentDeps';

export interface CasePage {
  cases: BatchCase[];
  /** Ids in this page that already have a result object. */
  finished: string[];
}

export function loadBatchCasesActivity(deps: Pick<AgentDeps, 'store'>) {
  return async function loadBatchCases(input: { batchId: string; page: number }): Promise<CasePage> {
    const [cases, results] = await Promise.all([
      deps.store.getJson<BatchCase[]>(batchManifestPageKey(input.batchId, input.page)),
      // One listing instead of a HEAD per case.
      deps.store.list(caseResultsPrefix(input.batchId)).then((keys) => new Set(keys)),
    ]);
    return { cases, finished: cases.filter((c) => results.has(caseResultKey(input.batchId, c.id))).map((c) => c.id) };
  };
}

/** Every case of a batch, page by page (for the report). */
export async function readAllCases(store: ObjectStore, batchId: string, manifest: BatchManifest): Promise<BatchCase[]> {
  const pages = await Promise.all(Array.from({ length: manifest.pages }, (_, p) => store.getJson<BatchCase[]>(batchManifestPageKey(batchId, p))));
  return pages.flat();
}
