/**
 * GenerateImage: one request, end to end, as a durable workflow (the paper's method, plus review):
 *   plan → ground (DAG) → checklist → [plan review] → feedback loop [compose → render → critique]* → [review ↺] → remember → report
 * (one image without plan review: the checklist is planned beside the first compose and render).
 * Each stage is a function of its own under generate/; the run's state is generate/run.ts. Several planned
 * images run as GenerateImagePart children (independent ones in parallel). Cancellation at any stage still
 * leaves a report and a consistent approval state.
 */
import { CancellationScope, isCancellation, patched, setHandler, upsertMemo } from '@temporalio/workflow';
import type { GenerateImageInput } from '../../common/request';
import { NO_REVIEW } from '../../common/review';
import { enforcedReviewPolicy, samePolicy } from '../../common/tenantReviewRules';
import type { GenerateImageResult, RunOutcome } from '../../common/runResult';
import { checklist, checklistInBackground } from './checklist';
import { directRender } from './loop/directRender';
import { ground } from './ground/ground';
import { deliveriesSettled, notify } from './notify';
import { plan } from './plan';
import { planReview } from './review/planReview';
import { remember } from './remember';
import { renderImages } from './loop/renderImages';
import { resultReview } from './review/resultReview';
import { resolveOptions, Run } from './run';
import { resultOf, statusOf, writeReport } from './runReport';
import { statusQuery } from './generationMessages';
import { CHECKLIST_BESIDE_FIRST_RENDER, TENANT_REVIEW_RULES } from '../patches';
import { ReviewGate } from './review/reviewGate';
import { ReviewQuestions } from './review/reviewQuestions';

export async function generateImage(started: GenerateImageInput): Promise<GenerateImageResult> {
  const input = underTenantReviewRules(started);
  const options = resolveOptions(input.options);
  const shape = () => ({ singleImage: (run.plan?.images.length ?? 1) === 1, candidateKeys: run.candidates.map((c) => c.image.key) });
  const gate = new ReviewGate(input.review ?? NO_REVIEW, shape, input.reviewAuth);
  const run = new Run(input, options, gate);
  gate.install();
  const questions = new ReviewQuestions(run);
  questions.install();
  gate.onWaitEvent = (event, pending) => notify(run, event, { pendingReview: pending }, pending.escalatedAt ? ':escalated' : '');
  setHandler(statusQuery, () => statusOf(run));
  upsertMemo({ maxRounds: options.maxRounds, review: input.review ?? NO_REVIEW, ablations: options.ablations, webhook: input.webhook ? 'set' : 'none' });

  try {
    const outcome = await produce(run);
    // A question asked just before the decision is answered before the run ends (none in flight: no wait, no command).
    await questions.settled();
    return await finish(run, outcome);
  } catch (err) {
    if (isCancellation(err)) {
      await CancellationScope.nonCancellable(async () => {
        if (gate.pending || gate.approval.startsWith('pending')) gate.setApproval('cancelled');
        run.setStage('cancelled');
        await writeReport(run, 'cancelled').catch(() => undefined);
        notify(run, 'cancelled');
        await deliveriesSettled(run);
      });
    } else {
      run.setStage('failed');
    }
    throw err;
  }
}

/**
 * The input with the tenant's review rules applied to its policy (common/tenantReviewRules.ts): the client
 * already refuses a request that breaks them; this holds for a run started any other way. Only a policy the
 * rules change takes the patch, so every other run's history is as before.
 */
function underTenantReviewRules(input: GenerateImageInput): GenerateImageInput {
  const auth = input.reviewAuth;
  if (!auth?.fourEyes) return input;
  const requested = input.review ?? NO_REVIEW;
  const enforced = enforcedReviewPolicy(requested, { fourEyes: true, ...(auth.minTimeout ? { minTimeout: auth.minTimeout } : {}) });
  return samePolicy(requested, enforced) || !patched(TENANT_REVIEW_RULES) ? input : { ...input, review: enforced };
}

/** Plans, grounds, renders and reviews; returns how the run ended. */
async function produce(run: Run): Promise<RunOutcome> {
  if (run.options.ablations.direct) {
    run.setStage('generating');
    run.images = [await directRender(run)];
    return resultReview(run);
  }
  await plan(run);
  await ground(run);
  // A plan reviewer sees the checklist, and several images each take their share of it at their start.
  const besideRender = !run.input.review?.planApproval && run.plan!.images.length === 1 && patched(CHECKLIST_BESIDE_FIRST_RENDER);
  const checklistReady = besideRender ? checklistInBackground(run) : await checklist(run);
  const start = await planReview(run);
  if (!start) return 'plan_rejected';
  run.setStage('generating');
  run.images = await renderImages(run, start, checklistReady);
  return resultReview(run);
}

/** Remembers the turn, writes the report, notifies; the result carries the report's key. */
async function finish(run: Run, outcome: RunOutcome): Promise<GenerateImageResult> {
  const remembered = await remember(run, outcome);
  run.setStage('reporting');
  const result = resultOf(run, outcome, remembered);
  const written = await writeReport(run, outcome, result);
  run.setStage('completed');
  notify(run, 'completed', { outcome, reportKey: written.key });
  await deliveriesSettled(run);
  return { ...result, reportKey: written.key, ...(written.cost !== undefined ? { cost: written.cost } : {}) };
}
