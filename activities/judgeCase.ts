/**
 * The benchmark judge: the generated image (and reference images) to a VLM at temperature 0, its answer parsed
 * by the benchmark's own parser. Refusals, unparseable answers and judge errors are recorded as such. The case
 * result is written to S3 under a deterministic key, so a retried judge overwrites rather than duplicates.
 */
import type { BatchCase, CaseResult, CaseSummary } from '../common/batch';
import { caseResultKey } from '../common/objectKeys';
import type { AgentDeps } from './agentDeps';
import { caseDegradation } from './caseDegradation';
import { currentTenant } from './currentWorkflow';
import { judgeCaseImage } from './judgeCaseImage';

export interface JudgeCaseInput {
  batchId: string;
  case: BatchCase;
  imageKey?: string;
  generationError?: string;
  turnWorkflowIds: string[];
  usage: CaseResult['usage'];
  durationMs: number;
  /** Set when judging failed after its retries: the case is recorded with an error verdict, not judged again. */
  judgeError?: string;
}

export function judgeCaseActivity(deps: Pick<AgentDeps, 'models' | 'store'>) {
  return async function judgeCase(input: JudgeCaseInput): Promise<CaseSummary> {
    const tenant = currentTenant();
    const degraded = await caseDegradation(deps.store, tenant, input.turnWorkflowIds);
    const base = {
      caseId: input.case.id,
      ...(input.case.meta ? { meta: input.case.meta } : {}),
      turnWorkflowIds: input.turnWorkflowIds,
      usage: input.usage,
      durationMs: input.durationMs,
      ...(degraded.length ? { degraded } : {}),
    };
    let result: CaseResult;
    if (!input.imageKey) {
      result = {
        ...base,
        status: 'generation_failed',
        error: input.generationError,
        ...(input.case.judge
          ? { judge: { model: 'none', provider: 'none', verdict: { outcome: 'no_image', message: input.generationError ?? 'no image' } } }
          : {}),
      };
    } else {
      const judged = !input.case.judge
        ? undefined
        : input.judgeError !== undefined
          ? { model: deps.models.judge.model, provider: deps.models.judge.provider, verdict: { outcome: 'error', message: input.judgeError.slice(0, 500) } }
          : await judgeCaseImage(deps, input.case, input.imageKey);
      result = { ...base, status: 'done', imageKey: input.imageKey, ...(judged ? { judge: judged } : {}) };
    }
    await deps.store.putJson(caseResultKey(tenant, input.batchId, input.case.id), result);
    return { caseId: input.case.id, status: result.status, ...(passedOf(result) !== undefined ? { passed: passedOf(result) } : {}) };
  };
}

function passedOf(r: CaseResult): boolean | undefined {
  const v = r.judge?.verdict as { outcome: string; results?: boolean[]; score?: number } | undefined;
  if (!v || v.outcome !== 'judged') return undefined;
  return v.results ? v.results.every(Boolean) && v.results.length > 0 : v.score === 1;
}
