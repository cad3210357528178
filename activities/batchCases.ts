/**
 * Batch input: the manifest of cases lives in S3 in pages, read one at a time, so a batch of any size keeps
 * small workflow payloads. Each page says which of its cases already have a result, so a batch started again
 * (after a cancellation, say) neither generates nor judges them twice.
 *
 * A batch's objects live under its tenant's prefix (the tenant of the activity's run); a batch started before
 * that kept them under `batches/<batchId>/`, which is read as a fallback (its new results go to the new prefix).
 */
import type { BatchCase, BatchManifest } from '../common/batch';
import { batchManifestPageKey, caseResultKey, caseResultsPrefix, legacyBatchKey } from '../common/objectKeys';
import { isMissingObject, type ObjectStore } from '../providers/objectStore';
import type { AgentDeps } from './agentDeps';
import { currentTenant } from './currentWorkflow';

export interface CasePage {
  cases: BatchCase[];
  /** Ids in this page that already have a result object. */
  finished: string[];
}

/** A batch object at its key, or, when it is not there, at the key a batch started before tenant prefixes used. */
export async function readBatchJson<T>(store: Pick<ObjectStore, 'getJson'>, key: string): Promise<T> {
  try {
    return await store.getJson<T>(key);
  } catch (err) {
    // legacy-read: batch-under-batches
    const legacy = legacyBatchKey(key);
    if (!legacy || !isMissingObject(err)) throw err;
    return store.getJson<T>(legacy);
  }
}

/** Every case result key of a batch: under the tenant's prefix, and under the old one for batches started before. */
export async function listCaseResults(store: Pick<ObjectStore, 'list'>, tenantId: string, batchId: string): Promise<string[]> {
  const prefix = caseResultsPrefix(tenantId, batchId);
  const [current, legacy] = await Promise.all([store.list(prefix), store.list(legacyBatchKey(prefix)!)]);
  return [...current, ...legacy].filter((k) => k.endsWith('.json'));
}

export function loadBatchCasesActivity(deps: Pick<AgentDeps, 'store'>) {
  return async function loadBatchCases(input: { batchId: string; page: number }): Promise<CasePage> {
    const tenant = currentTenant();
    const [cases, results] = await Promise.all([
      readBatchJson<BatchCase[]>(deps.store, batchManifestPageKey(tenant, input.batchId, input.page)),
      // One listing instead of a HEAD per case.
      listCaseResults(deps.store, tenant, input.batchId).then((keys) => new Set(keys)),
    ]);
    const done = (id: string) => {
      const key = caseResultKey(tenant, input.batchId, id);
      return results.has(key) || results.has(legacyBatchKey(key)!);
    };
    return { cases, finished: cases.filter((c) => done(c.id)).map((c) => c.id) };
  };
}

/** Every case of a batch, page by page (for the report). */
export async function readAllCases(store: ObjectStore, tenantId: string, batchId: string, manifest: BatchManifest): Promise<BatchCase[]> {
  const pages = await Promise.all(
    Array.from({ length: manifest.pages }, (_, p) => readBatchJson<BatchCase[]>(store, batchManifestPageKey(tenantId, batchId, p))),
  );
  return pages.flat();
}
