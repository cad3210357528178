/**
 * report: the run report JSON to object storage, under a deterministic key next to the run's images, with
 * the cost computed here from configured prices (workflows cannot read configuration). The store seals it with
 * the tenant's key when encryption is on (security/objectEncryption.ts).
 */
import type { Prices } from '../common/config';
import type { ModelCallRecord } from '../common/modelCall';
import { reportKey } from '../common/objectKeys';
import type { CostBreakdown, RunReport } from '../common/runResult';
import { fallbackSummary } from '../common/fallbackSummary';
import type { ObjectStore } from '../providers/objectStore';
import type { AgentDeps } from './agentDeps';
import { currentTenant, currentWorkflowId } from './currentWorkflow';

export function writeReportActivity(deps: Pick<AgentDeps, 'store' | 'config' | 'ledger'>) {
  return async function writeReport(report: Omit<RunReport, 'cost' | 'fallbacks' | 'spend'>): Promise<{ key: string; bytes: number; cost?: number }> {
    const key = reportKey(currentTenant(), currentWorkflowId());
    const cost = costOf(report, deps.config.prices);
    const fallbacks = fallbackSummary(report);
    // What the ledger charged the run, the source of truth for money (the cost above is computed from the records).
    const spend = deps.ledger && Object.keys(deps.config.prices).length ? await deps.ledger.runSpend(currentTenant(), currentWorkflowId()) : undefined;
    // The report shows every call in full: slim records (claim check) are put back from object storage.
    const calls = await resolveCalls(report.calls, deps.store);
    const stored = await deps.store.putJson(key, {
      ...report,
      calls,
      ...(cost ? { cost } : {}),
      ...(fallbacks ? { fallbacks } : {}),
      ...(spend ? { spend } : {}),
    });
    return { key, bytes: stored.bytes, ...(cost ? { cost: cost.total } : {}) };
  };
}

/** Token and image counts per model, priced where IMAGE_AGENT_PRICES names the model. */
export function costOf(report: Omit<RunReport, 'cost'>, prices: Prices): CostBreakdown | undefined {
  if (!Object.keys(prices).length) return undefined;
  const byModel: CostBreakdown['byModel'] = {};
  const line = (model: string) => (byModel[model] ??= { inputTokens: 0, outputTokens: 0, images: 0, cost: 0 });
  for (const call of report.calls.filter((c) => c.provider !== 'offline')) {
    const entry = line(call.model);
    entry.inputTokens += call.usage.inputTokens;
    entry.outputTokens += call.usage.outputTokens;
  }
  for (const image of report.result.images) for (const c of image.candidates) if (c.renderedBy.provider !== 'offline') line(c.renderedBy.model).images += 1;
  const unpriced: string[] = [];
  let total = 0;
  for (const [model, entry] of Object.entries(byModel)) {
    const price = prices[model];
    if (!price) {
      unpriced.push(model);
      continue;
    }
    entry.cost =
      (entry.inputTokens / 1e6) * (price.inputPerMTok ?? 0) + (entry.outputTokens / 1e6) * (price.outputPerMTok ?? 0) + entry.images * (price.perImage ?? 0);
    total += entry.cost;
  }
  return { total: Math.round(total * 1e6) / 1e6, byModel, unpriced };
}

/**
 * The full records behind slim ones (workers/modelCallClaimCheck.ts); records without `ref`, as in runs
 * recorded before the claim check, are already full.
 */
async function resolveCalls(calls: readonly ModelCallRecord[], store: Pick<ObjectStore, 'getJson'>): Promise<ModelCallRecord[]> {
  const objects = new Map<string, Promise<ModelCallRecord[]>>();
  return Promise.all(
    calls.map(async (c) => {
      if (!c.ref) return c;
      if (!objects.has(c.ref.key)) objects.set(c.ref.key, store.getJson<ModelCallRecord[]>(c.ref.key));
      const { ref: _ref, ...rest } = c;
      return (await objects.get(c.ref.key)!)[c.ref.index] ?? rest;
    }),
  );
}
