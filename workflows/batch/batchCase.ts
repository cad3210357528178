/**
 * One case of a batch: its turns as GenerateImage children, in order (a memory case's later turns get the
 * earlier ones as history), then the judge on the last turn's image. Child ids are derived from the batch and
 * case ids, so a restarted worker resumes the same children instead of generating again.
 */
import { ActivityFailure, executeChild, workflowInfo } from '@temporalio/workflow';
import type { BatchCase, CaseSummary } from '../../common/batch';
import { failureReason } from '../../common/causeChain';
import { addUsage, EMPTY_USAGE } from '../../common/modelCall';
import type { ReviewAuth } from '../../common/decisionSignature';
import type { GenerateOptions, HistoryTurn } from '../../common/request';
import { resolveRunOptions } from '../../common/resolveRunOptions';
import { NO_REVIEW } from '../../common/review';
import type { VersionedTenantPolicy } from '../../common/tenantPolicy';
import type { GenerateImageResult } from '../../common/runResult';
import { BatchId, Kind } from '../../common/searchAttributes';
import { activitiesFor } from '../activityStubs';
import { generateImage } from '../generate/generateImage';

export interface BatchCaseInput {
  batchId: string;
  tenantId: string;
  case: BatchCase;
  options?: Partial<GenerateOptions>;
  /** The batch's tenant policy: the case's options are clamped by it (absent in older batches). */
  policy?: VersionedTenantPolicy;
  reviewAuth?: ReviewAuth;
}

export async function batchCase(input: BatchCaseInput): Promise<CaseSummary> {
  const c = input.case;
  const started = Date.now();
  const history: HistoryTurn[] = [];
  const turnWorkflowIds: string[] = [];
  let usage = EMPTY_USAGE;
  let last: GenerateImageResult | undefined;
  let generationError: string | undefined;
  const requested = { ...input.options, ...c.options, ablations: { ...input.options?.ablations, ...c.options?.ablations } };
  // A case's own options cannot lift the tenant's limits: they are clamped like any request, and the run says so.
  const resolved = input.policy ? resolveRunOptions(input.policy, { options: requested }, NO_REVIEW) : undefined;
  const options = resolved?.options ?? requested;
  const underPolicy = resolved
    ? {
        review: resolved.review,
        policy: { version: resolved.policyVersion, clamped: resolved.clamped },
        ...(input.reviewAuth ? { reviewAuth: input.reviewAuth } : {}),
      }
    : {};
  const { judge } = activitiesFor(options.outageWindow);
  const inherited = workflowInfo()
    .typedSearchAttributes.getAll()
    .filter((p) => p.key.name !== Kind.name && p.key.name !== BatchId.name);

  for (const [i, turn] of c.turns.entries()) {
    const workflowId = `${workflowInfo().workflowId}-turn-${i + 1}`;
    turnWorkflowIds.push(workflowId);
    try {
      last = await executeChild(generateImage, {
        workflowId,
        staticSummary: `case ${c.id} turn ${i + 1}`,
        typedSearchAttributes: [...inherited, { key: Kind, value: 'generate' }, { key: BatchId, value: input.batchId }],
        args: [
          {
            request: turn.request,
            tenantId: input.tenantId,
            // A fresh user per case, scoped to its batch by the client (c.userId): one case's memory must not leak
            // into another's, nor into the same case in another batch. Manifests from before c.userId keep their user.
            userId: c.userId ?? `bench-${c.id}`.slice(0, 128),
            sessionId: c.id.slice(0, 128),
            inputImageKeys: turn.inputImageKeys,
            history: options.ablations?.noMemory ? [] : [...history],
            options,
            ...underPolicy,
          },
        ],
      });
    } catch (err) {
      generationError = failureReason(err);
      last = undefined;
      break;
    }
    usage = addUsage(usage, last.usage);
    history.push({
      index: i + 1,
      workflowId,
      request: turn.request,
      prompt: last.final?.context.prompt,
      imageKeys: last.images.map((im) => im.final.image.key),
    });
  }

  const judgeInput = {
    batchId: input.batchId,
    case: c,
    imageKey: last?.final?.image.key,
    generationError: generationError ?? (last && !last.final ? `no image (${last.outcome})` : undefined),
    turnWorkflowIds,
    usage,
    durationMs: Date.now() - started,
  };
  try {
    return await judge.judgeCase.executeWithOptions({ summary: `judge case ${c.id}` }, [judgeInput]);
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    // The judge failed after its retries: the case is recorded with an error verdict, never silently as 0.
    return judge.judgeCase.executeWithOptions({ summary: `record judge error for case ${c.id}` }, [{ ...judgeInput, judgeError: failureReason(err) }]);
  }
}
