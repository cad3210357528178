/**
 * Every client operation on generations, shared by the CLI, the HTTP API and the review page: start,
 * status (with presigned URLs), review decisions, cancel, lists through visibility queries, the report.
 * Tenancy is checked here, once: a caller bound to a tenant sees nothing of another tenant's runs.
 */
import { createHash, randomUUID } from 'node:crypto';
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type Client,
  type WorkflowExecutionDescription,
} from '@temporalio/client';
import type { AppConfig } from '../common/config';
import { legacyReportKey, reportKey, tenantKeyProblem, UPLOAD_ID_PATTERN, uploadKey, webhookKey } from '../common/objectKeys';
import { InvalidRequestError } from '../common/requestSchema';
import { checkWebhookTarget } from './webhookTarget';
import { visibilityString as quote } from './visibilityString';
import type { GenerateImageInput } from '../common/request';
import type { GenerateRequest } from '../common/requestSchema';
import type { PlanReviewDecision, ReviewDecision, ReviewQuestion } from '../common/review';
import type { Clamp } from '../common/resolveRunOptions';
import type { GenerateImageResult, RunReport, RunSpend } from '../common/runResult';
import { Approval, Kind, Providers, Stage, Tenant, UserTag } from '../common/searchAttributes';
import { EMPTY_USAGE } from '../common/modelCall';
import { userTags } from '../common/userTag';
import type { ObjectStore } from '../providers/objectStore';
import { reviewSigner } from '../security/reviewSigner';
import { questionFieldsOf, signedFieldsOf, type SignedFields } from '../common/decisionSignature';
import { FailureType } from '../common/failureTypes';
import {
  askAgentUpdate,
  planReviewUpdate,
  reviewUpdate,
  statusQuery,
  type AgentAnswer,
  type ReviewAccepted,
  type RunStatus,
} from '../workflows/generate/generationMessages';
import { startOptions, withOutageWindow } from './startOptions';
import { refuseErasedStart } from './startRefusal';
import { runSpend } from './tenantSpend';
import { NOT_PICKED_UP, queuePlace, runEta, type QueuePlace, type RunEta } from './queuePlace';
import { admitStarts } from './tenantCaps';
import { startUnderPolicy } from './startUnderPolicy';
import { runUiUrl } from './temporalClient';
// By function reference, so the input and result types are checked end to end.
import { generateImage } from '../workflows/generate/generateImage';
import { BUDGET_PAUSED_STAGE, type BudgetGateView } from '../workflows/budgetGateMessages';
import { ImageAgentError } from '../common/imageAgentError';

/** The caller is not allowed to see or touch this run (another tenant's, or not a generation). */
export class ForbiddenError extends ImageAgentError {
  override name = 'ForbiddenError';
  constructor(message: string) {
    super(message, { retryable: false, httpStatus: 403 });
  }
}

export class NotFoundError extends ImageAgentError {
  override name = 'NotFoundError';
  constructor(message: string) {
    super(message, { retryable: false, httpStatus: 404 });
  }
}

/** The run is not in a state that allows this (already decided, not waiting for review). */
export class ConflictError extends ImageAgentError {
  override name = 'ConflictError';
  constructor(message: string) {
    super(message, { retryable: false, httpStatus: 409 });
  }
}

export interface Generations {
  client: Client;
  config: AppConfig;
  store: ObjectStore;
  /**
   * Ask the server to hand the run's first workflow task straight back with the start (eager workflow start):
   * only for a client over the NativeConnection of a worker polling the run's queue in the same process.
   */
  eagerStart?: boolean;
}

export function newWorkflowId(): string {
  return `img-${randomUUID()}`;
}

/**
 * The run id a client's idempotency key stands for: the same tenant and key always name the same run, and
 * two tenants' keys never meet (the tenant is part of the hash). Any key a client chooses works.
 */
export function idempotentWorkflowId(tenantId: string, key: string): string {
  return `img-k-${createHash('sha256').update(`${tenantId}\u0000${key}`).digest('hex').slice(0, 40)}`;
}

export interface StartedGeneration {
  workflowId: string;
  runId: string;
  ui: string;
  /** True when this start found the run an earlier start with the same key began: nothing new was started. */
  existing: boolean;
  /** What the tenant's policy changed of what the request asked for (empty: nothing). */
  clamped: Clamp[];
  /** The version of the tenant's policy the run runs under (0: the configured defaults). */
  policyVersion: number;
  /** Set when Postgres could not be read and the policy is the last one this process read, this long ago. */
  policyStaleForMs?: number;
  /** Only when an eager start was asked for (Generations.eagerStart): whether the server handed the first task back with the start. */
  eagerlyStarted?: boolean;
}

/**
 * Starts a run under its tenant's policy (common/resolveRunOptions.ts): what the request asks for is clamped to the
 * tenant's rules, and the answer lists each clamp. A webhook URL is kept in object storage and only its key goes into
 * the workflow input. With an idempotency key the run id is derived from it, and a repeated start (a client retrying
 * a timed-out POST) returns the first run, running or closed, instead of paying for a second one.
 */
export async function startGeneration(
  g: Generations,
  request: GenerateRequest,
  workflowId = newWorkflowId(),
  options: { idempotent?: boolean; requestedBy?: string } = {},
): Promise<StartedGeneration> {
  const { webhookUrl, ...rest } = request;
  // An erased user or tenant starts nothing, not even a repeat of a run its erasure stopped.
  await refuseErasedStart(g, request.tenantId, [request.userId]);
  if (webhookUrl && !g.config.webhooks.secret) throw new ConflictError('webhooks are disabled: set IMAGE_AGENT_WEBHOOK_SECRET so deliveries can be signed');
  if (webhookUrl) checkWebhookTarget(webhookUrl, g.config.webhooks.allowHosts);
  const policy = await startUnderPolicy(g.config, request.tenantId, { options: rest.options, review: request.review }, g.config.review.defaults, 'interactive');
  const { tenant, resolved, clamped } = policy;
  const underPolicy = { clamped, policyVersion: tenant.version, ...(policy.staleForMs !== undefined ? { policyStaleForMs: policy.staleForMs } : {}) };
  // Review decisions must be signed by the API; the requester (an operator when none is named) is recorded.
  const reviewAuth = reviewSigner(g.config).reviewAuth(options.requestedBy ?? `operator-${request.userId}`, tenant.policy.review);
  if (options.idempotent) {
    const found = await existingRun(g, workflowId, request.tenantId);
    if (found) return { ...found, ...underPolicy };
  }
  // A retry of a run that exists is answered above; a new run must fit the tenant's caps.
  await admitStarts(g, tenant);
  // Before anything is written or started: every input image must be the caller's own.
  const inputImageKeys = rest.inputImageKeys ? await resolveInputImages(g, request.tenantId, rest.inputImageKeys) : undefined;
  const webhook = webhookUrl ? { key: (await g.store.putJson(webhookKey(request.tenantId, workflowId), { url: webhookUrl })).key } : undefined;
  const runOptions = withOutageWindow(g.config, resolved.options);
  const full: GenerateImageInput = {
    ...rest,
    ...(inputImageKeys ? { inputImageKeys } : {}),
    ...(runOptions ? { options: runOptions } : {}),
    review: resolved.review,
    ...(webhook ? { webhook } : {}),
    reviewAuth,
    policy: { version: tenant.version, clamped },
  };
  try {
    const handle = await g.client.workflow.start(generateImage, {
      ...startOptions(g.config, full, workflowId),
      // Activities and children inherit it: the run's class, its tenant as the fairness key, the policy's weight.
      ...policy.dispatch,
      args: [full],
      // A second start with the same id joins the first run while it is open, and is refused once it has closed.
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      ...(g.eagerStart ? { requestEagerStart: true } : {}),
    });
    // Two starts racing past the check above both land here; the conflict policy gives both the same run.
    return {
      workflowId,
      runId: handle.firstExecutionRunId,
      ui: runUiUrl(g.config, workflowId, handle.firstExecutionRunId),
      existing: false,
      ...underPolicy,
      ...(g.eagerStart ? { eagerlyStarted: handle.eagerlyStarted } : {}),
    };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError && options.idempotent) {
      const found = await existingRun(g, workflowId, request.tenantId);
      if (found) return { ...found, ...underPolicy };
    }
    throw err;
  }
}

/**
 * The object keys of a request's input images: each names an upload id (`up_…`, from POST /v1/uploads) or a
 * PNG key under the caller's own tenant prefix that exists. Anything else is refused before a run starts: a
 * key of another tenant (or outside every tenant) with 403, a malformed or missing one with 400.
 */
export async function resolveInputImages(g: Pick<Generations, 'store'>, tenantId: string, refs: readonly string[]): Promise<string[]> {
  const keys = refs.map((ref, i) => {
    if (UPLOAD_ID_PATTERN.test(ref)) return uploadKey(tenantId, ref);
    const problem = tenantKeyProblem(tenantId, ref);
    if (problem?.status === 403) throw new ForbiddenError(`inputImageKeys.${i}: ${problem.message}; upload images with POST /v1/uploads`);
    if (problem) throw new InvalidRequestError(`invalid request: inputImageKeys.${i}: ${problem.message}`);
    if (!ref.endsWith('.png')) throw new InvalidRequestError(`invalid request: inputImageKeys.${i}: not an image key (an upload id or a .png key)`);
    return ref;
  });
  const exists = await Promise.all(keys.map((k) => g.store.exists(k)));
  const missing = exists.indexOf(false);
  if (missing >= 0) throw new InvalidRequestError(`invalid request: inputImageKeys.${missing}: no such upload or image "${refs[missing]!.slice(0, 200)}"`);
  return keys;
}

/** The run an earlier start with this id began, if it exists and belongs to the tenant. */
async function existingRun(g: Generations, workflowId: string, tenantId: string): Promise<Omit<StartedGeneration, 'clamped' | 'policyVersion'> | undefined> {
  try {
    const info = await g.client.workflow.getHandle(workflowId).describe();
    if (info.typedSearchAttributes.get(Tenant) !== tenantId) return undefined;
    return { workflowId, runId: info.runId, ui: runUiUrl(g.config, workflowId, info.runId), existing: true };
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}

/** The run's tenant from its search attributes; throws unless `tenant` (when given) owns it. */
async function describeOwned(g: Generations, workflowId: string, tenant?: string): Promise<WorkflowExecutionDescription> {
  let info: WorkflowExecutionDescription;
  try {
    info = await g.client.workflow.getHandle(workflowId).describe();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw new NotFoundError(`no run ${workflowId}`);
    throw err;
  }
  const owner = info.typedSearchAttributes.get(Tenant);
  if (info.type !== 'generateImage' || (tenant !== undefined && owner !== tenant)) {
    // The same answer as for a run that does not exist, so an outsider cannot learn which ids exist.
    throw new NotFoundError(`no run ${workflowId}`);
  }
  return info;
}

export interface StatusView extends Omit<RunStatus, 'stage'> {
  /** `queued`: no worker has picked the run up yet (see `queue`). */
  stage: RunStatus['stage'] | 'queued' | typeof BUDGET_PAUSED_STAGE;
  /** For a queued run: its place in the queue and an ETA (client/queuePlace.ts). */
  queue?: QueuePlace;
  /** For a run a worker is on and no person is holding up: when it should finish (client/queuePlace.ts). */
  eta?: RunEta;
  /** What the spend ledger charged the run so far, when prices are configured (client/tenantSpend.ts). */
  spend?: RunSpend;
  /** The run waits at its budget gate (workflows/budgetGate.ts): which budget, and why. */
  budgetGate?: BudgetGateView;
  runStatus: string;
  ui: string;
  /** Presigned URLs for every candidate key in the view. */
  urls: Record<string, string>;
  result?: Pick<GenerateImageResult, 'outcome' | 'reportKey' | 'cost'>;
}

/**
 * `queryDeadlineMs`: how long to wait for a worker to answer the status query. A query needs a worker; with
 * none polling (workers down, or a deploy in progress) it waits until the deadline, so a page that shows
 * many runs asks for a short one and shows the runs that did not answer apart.
 */
export async function generationStatus(g: Generations, workflowId: string, tenant?: string, queryDeadlineMs?: number): Promise<StatusView> {
  const info = await describeOwned(g, workflowId, tenant);
  const handle = g.client.workflow.getHandle(workflowId);
  // A run no worker has picked up cannot answer a query: its place in the queue is what there is to say.
  const queue = await queuePlace(g, info);
  if (queue) return queuedView(g, info, queue);
  // Queries replay the run on a worker, so they answer for finished runs too.
  const status = queryDeadlineMs ? await g.client.withDeadline(Date.now() + queryDeadlineMs, () => handle.query(statusQuery)) : await handle.query(statusQuery);
  const result = info.status.name === 'COMPLETED' ? ((await handle.result()) as GenerateImageResult) : undefined;
  const keys = [...new Set(status.candidates.map((c) => c.image.key))];
  const owner = info.typedSearchAttributes.get(Tenant);
  const budgetGate = info.status.name === 'RUNNING' ? (info.memo?.budgetGate as BudgetGateView | undefined) : undefined;
  const [urls, eta, spend] = await Promise.all([
    Promise.all(keys.map(async (k) => [k, await g.store.presign(k)] as const)).then((pairs) => Object.fromEntries(pairs) as Record<string, string>),
    info.status.name === 'RUNNING' && !status.approval.startsWith('pending') && !budgetGate ? runEta(g, info) : undefined,
    owner && Object.keys(g.config.prices).length ? runSpend(g.config, owner, workflowId) : undefined,
  ]);
  return {
    ...status,
    ...(budgetGate ? { stage: BUDGET_PAUSED_STAGE, budgetGate } : {}),
    ...(eta ? { eta } : {}),
    ...(spend ? { spend } : {}),
    runStatus: info.status.name,
    ui: runUiUrl(g.config, workflowId, info.runId),
    urls,
    ...(result ? { result: { outcome: result.outcome, reportKey: result.reportKey, cost: result.cost } } : {}),
  };
}

function queuedView(g: Generations, info: WorkflowExecutionDescription, queue: QueuePlace): StatusView {
  return {
    workflowId: info.workflowId,
    request: '',
    stage: 'queued',
    queue,
    round: 0,
    approval: 'not_required',
    answers: [],
    checklist: [],
    candidates: [],
    current: [],
    decisions: [],
    questions: [],
    usage: EMPTY_USAGE,
    providers: info.typedSearchAttributes.get(Providers) ?? '',
    degraded: [],
    runStatus: info.status.name,
    ui: runUiUrl(g.config, info.workflowId, info.runId),
    urls: {},
  };
}

/**
 * Signs a decision for its run: the reviewer is the authenticated principal (the API's), or for the
 * operator's CLI `operator-<name>`; a reviewer name in the body is never what the run records.
 */
function signed<D extends ReviewDecision | PlanReviewDecision>(
  g: Generations,
  run: { workflowId: string; runId: string },
  kind: 'plan' | 'result',
  decision: D,
  decisionId: string,
  principal?: string,
): D {
  const { reviewer, ...rest } = decision as ReviewDecision & PlanReviewDecision;
  const name = principal ?? `operator-${reviewer ?? 'cli'}`;
  return { ...rest, ...signatures(g, run, signedFieldsOf(run.workflowId, kind, rest), name, decisionId) } as unknown as D;
}

/** Who signed, when, and both signatures over the fields, for a decision or a question with this id. */
function signatures(
  g: Generations,
  run: { workflowId: string; runId: string },
  signedFields: Omit<SignedFields, 'principal' | 'at'>,
  name: string,
  decisionId: string,
): { reviewer: string; principal: string; at: string; signature: string; signatureV2: string; decisionId: string } {
  const at = new Date().toISOString();
  const fields = { ...signedFields, principal: name, at };
  const signer = reviewSigner(g.config);
  // Both versions: a run started before version 2 checks the first; newer runs only the second, which also
  // binds the run id and the decision id, so it cannot be replayed on a reset run or applied twice.
  const signature = signer.sign(fields);
  const signatureV2 = signer.sign({ ...fields, runId: run.runId, decisionId }, 2);
  return { reviewer: name, principal: name, at, signature, signatureV2, decisionId };
}

/** The agent could not answer a reviewer's question (its model down past the question's time, a refusal): the run still waits. */
class QuestionUnansweredError extends ImageAgentError {
  override name = 'QuestionUnansweredError';
  constructor(message: string, cause: unknown) {
    // The run words the message from the failure's kind only (no vendor text), so the caller may read it.
    super(message, { retryable: true, httpStatus: 503, dependency: 'model', publicMessage: message }, { cause });
  }
}

/**
 * A reviewer's question about a waiting run of the tenant (the respond action): signed like a decision and sent as
 * the run's askAgent update, whose id is the request id (a retried request is the same question, answered once). The
 * run answers from its own context with one model call and keeps waiting for its decision.
 */
export async function askAgent(
  g: Generations,
  workflowId: string,
  asked: Pick<ReviewQuestion, 'question' | 'reviewer'>,
  requestId: string,
  tenant?: string,
  principal?: string,
): Promise<AgentAnswer> {
  const { runId, status } = await describeOwned(g, workflowId, tenant);
  // A closed run takes no update at all; say why here rather than as Temporal's error.
  if (status.name !== 'RUNNING')
    throw new ConflictError(`run ${workflowId} is not running (${status.name.toLowerCase()}): the agent answers questions while a run waits for a decision`);
  const name = principal ?? `operator-${asked.reviewer ?? 'cli'}`;
  const question: ReviewQuestion = {
    question: asked.question,
    ...signatures(g, { workflowId, runId }, questionFieldsOf(workflowId, asked.question), name, requestId),
  };
  try {
    return await g.client.workflow.getHandle(workflowId, runId).executeUpdate(askAgentUpdate, { args: [question], updateId: requestId });
  } catch (err) {
    const cause = err instanceof WorkflowUpdateFailedError ? (err.cause as { type?: string; message?: string } | undefined) : undefined;
    if (cause?.type === FailureType.ReviewQuestionUnanswered) throw new QuestionUnansweredError(cause.message ?? 'the agent could not answer', err);
    throw err;
  }
}

/** A review decision; the caller's request id is the update id, so a retried click is the same decision. */
export async function reviewGeneration(
  g: Generations,
  workflowId: string,
  decision: ReviewDecision,
  requestId: string,
  tenant?: string,
  principal?: string,
): Promise<ReviewAccepted> {
  const { runId } = await describeOwned(g, workflowId, tenant);
  return decideOwnedRun(g, { workflowId, runId }, { kind: 'result', decision }, requestId, principal);
}

/**
 * A decision for a run whose tenant the caller has checked already (bulkReview checks a page of runs with one
 * visibility call instead of a describe each): signed for the run, sent as its update.
 */
export async function decideOwnedRun(
  g: Generations,
  run: { workflowId: string; runId: string },
  d: { kind: 'result'; decision: ReviewDecision } | { kind: 'plan'; decision: PlanReviewDecision },
  requestId: string,
  principal?: string,
): Promise<ReviewAccepted> {
  const handle = g.client.workflow.getHandle(run.workflowId, run.runId);
  if (d.kind === 'result') {
    const args: [ReviewDecision] = [signed(g, run, 'result', d.decision, requestId, principal)];
    return handle.executeUpdate(reviewUpdate, { args, updateId: requestId });
  }
  const args: [PlanReviewDecision] = [signed(g, run, 'plan', d.decision, requestId, principal)];
  return handle.executeUpdate(planReviewUpdate, { args, updateId: requestId });
}

/** Which of these runs are the tenant's generations, and their current run ids: one visibility call. */
export async function ownedRuns(g: Generations, workflowIds: readonly string[], tenant: string): Promise<Map<string, string>> {
  const owned = new Map<string, string>();
  if (!workflowIds.length) return owned;
  const query = `${Kind.name} = 'generate' AND ${Tenant.name} = ${quote(tenant)} AND WorkflowId IN (${workflowIds.map(quote).join(', ')})`;
  for await (const info of g.client.workflow.list({ query, pageSize: Math.min(workflowIds.length, 100) })) {
    // A run continued or reset has several executions: the open one (or the newest) is the one to decide.
    if (!owned.has(info.workflowId) || info.status.name === 'RUNNING') owned.set(info.workflowId, info.runId);
  }
  return owned;
}

export async function reviewPlan(
  g: Generations,
  workflowId: string,
  decision: PlanReviewDecision,
  requestId: string,
  tenant?: string,
  principal?: string,
): Promise<ReviewAccepted> {
  const { runId } = await describeOwned(g, workflowId, tenant);
  return decideOwnedRun(g, { workflowId, runId }, { kind: 'plan', decision }, requestId, principal);
}

/**
 * Cancels a run of the tenant. `ownedBy`: only a run whose user is this one (its user tag, a search attribute,
 * so no payload is decoded to check); another user's run answers 403 (the caller may read it, so nothing leaks).
 */
export async function cancelGeneration(g: Generations, workflowId: string, tenant?: string, ownedBy?: { userId: string }): Promise<void> {
  const info = await describeOwned(g, workflowId, tenant);
  if (ownedBy) {
    const tag = info.typedSearchAttributes.get(UserTag);
    const own = tenant !== undefined && tag !== undefined && userTags(g.config.ids.key, tenant, ownedBy.userId).includes(tag);
    if (!own)
      throw new ForbiddenError(
        `${ownedBy.userId} may cancel only its own runs; run ${workflowId} is another user's (cancelling it needs the review or delegate role)`,
      );
  }
  if (info.status.name !== 'RUNNING') throw new ConflictError(`run ${workflowId} is not running (${info.status.name.toLowerCase()})`);
  await g.client.workflow.getHandle(workflowId).cancel();
}

export interface ListFilter {
  tenant?: string;
  /** User id; matched through its pseudonymous tag. */
  user?: string;
  pendingReview?: boolean;
  /** Runs no worker has picked up yet (client/queuePlace.ts). */
  queued?: boolean;
  limit?: number;
}

export interface RunSummary {
  workflowId: string;
  runId: string;
  status: string;
  startTime: string;
  closeTime?: string;
  stage?: string;
  approval?: string;
  tenant?: string;
}

/** The visibility query for a filter; quoted values come only from validated ids. */
function listQuery(idKey: string, f: ListFilter): string {
  const parts = [`${Kind.name} = 'generate'`];
  if (f.tenant) parts.push(`${Tenant.name} = ${quote(f.tenant)}`);
  // legacy-read: unkeyed-user-tag
  // The keyed tag, and the unkeyed one of runs started before it.
  if (f.user && f.tenant) parts.push(`${UserTag.name} IN (${userTags(idKey, f.tenant, f.user).map(quote).join(', ')})`);
  if (f.pendingReview) parts.push(`${Approval.name} IN ('pending', 'pending_plan')`, `ExecutionStatus = 'Running'`);
  if (f.queued) parts.push(NOT_PICKED_UP, `ExecutionStatus = 'Running'`);
  return parts.join(' AND ');
}

export async function listGenerations(g: Generations, f: ListFilter): Promise<RunSummary[]> {
  const out: RunSummary[] = [];
  for await (const info of g.client.workflow.list({ query: listQuery(g.config.ids.key, f), pageSize: Math.min(f.limit ?? 20, 100) })) {
    out.push({
      workflowId: info.workflowId,
      runId: info.runId,
      status: info.status.name,
      startTime: info.startTime.toISOString(),
      ...(info.closeTime ? { closeTime: info.closeTime.toISOString() } : {}),
      stage: info.typedSearchAttributes.get(Stage),
      approval: info.typedSearchAttributes.get(Approval),
      tenant: info.typedSearchAttributes.get(Tenant),
    });
    if (out.length >= (f.limit ?? 20)) break;
  }
  return out;
}

export async function generationReport(g: Generations, workflowId: string, tenant?: string): Promise<RunReport> {
  const info = await describeOwned(g, workflowId, tenant);
  const owner = info.typedSearchAttributes.get(Tenant) ?? '';
  try {
    // legacy-read: report-under-runs
    // Runs started before keys carried the tenant kept their report under runs/.
    return await g.store.getJson<RunReport>(reportKey(owner, workflowId)).catch(() => g.store.getJson<RunReport>(legacyReportKey(workflowId)));
  } catch {
    throw new NotFoundError(`run ${workflowId} has no report yet (it is written when the run ends)`);
  }
}
