/**
 * Every activity the workflows call, each stage with its own timeouts and retry policy, sized by the run's
 * outage window (docs/operations.md, "Outages"): a dependency that is down for less than the window is waited out,
 * never a failed run. Retries are unlimited inside schedule-to-close = window + one attempt's time; what
 * retrying cannot fix (refusals, rejected requests, bad input, invalid model output after its own few
 * attempts) fails at once. Every activity heartbeats, so a dead worker's task moves on within seconds; the
 * report, a local activity, has its workflow task for that instead.
 */
import {
  proxyActivities,
  proxyLocalActivities,
  workflowInfo,
  type ActivityInterfaceFor,
  type ActivityOptions,
  type LocalActivityOptions,
} from '@temporalio/workflow';
import type { Priority } from '@temporalio/common';
import type { AgentActivities, GpuActivities } from '../activities';
import { durationMs } from '../common/duration';
import { FailureType, NON_RETRYABLE_TYPES } from '../common/failureTypes';
import { GROUNDING_ROUTE_NAMES, GROUNDING_ROUTES, type GroundingActivity, type GroundingRoute, type GroundingTimeouts } from '../common/groundingRoutes';
import { gpuTaskQueueFor } from '../common/taskQueues';

const DEFAULT_OUTAGE_WINDOW = '10 minutes';

/** Every activity heartbeats (workers/heartbeatInterceptor.ts), so a dead worker is noticed in seconds. */
const HEARTBEAT_TIMEOUT = '15 seconds';

const SECOND = 1000;
const MINUTE = 60 * SECOND;

/**
 * A reviewer's question (the respond action): a person waits on the answer, so it is bounded well inside any
 * outage window: one attempt may take as long as a model call (IMAGE_AGENT_MODEL_TIMEOUT_MS's default), and
 * retries stop at `totalMs`; then the question fails, naming why, and the run goes on waiting for its decision.
 */
export const QUESTION_TIMEOUTS = { attemptMs: 2 * MINUTE, totalMs: 3 * MINUTE } as const;

function withinWindow(windowMs: number, attemptMs: number, extra: Partial<ActivityOptions> = {}): ActivityOptions {
  return {
    startToCloseTimeout: attemptMs,
    scheduleToCloseTimeout: windowMs + attemptMs,
    heartbeatTimeout: HEARTBEAT_TIMEOUT,
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', nonRetryableErrorTypes: NON_RETRYABLE_TYPES },
    ...extra,
  };
}

/**
 * A local activity runs in the workflow's own worker, inside its workflow task: no round trip through the
 * server and no events of its own, only a marker with its result. For short steps whose input need not be in
 * the history. A dead worker's local activity runs again when the workflow task is retried elsewhere.
 */
function localWithinWindow(windowMs: number, attemptMs: number, summary: string): LocalActivityOptions {
  const { startToCloseTimeout, scheduleToCloseTimeout, retry } = withinWindow(windowMs, attemptMs);
  return { startToCloseTimeout, scheduleToCloseTimeout, retry, summary };
}

/**
 * A grounding route's options from its row: retried for the window, or, for a route that gives up sooner,
 * until its own budget ends, attempt included.
 */
function groundingOptions(windowMs: number, { attemptMs, giveUpAfterMs }: GroundingTimeouts): ActivityOptions {
  if (giveUpAfterMs === undefined) return withinWindow(windowMs, attemptMs);
  const budgetMs = Math.min(windowMs, giveUpAfterMs);
  return { ...withinWindow(0, Math.min(budgetMs, attemptMs)), scheduleToCloseTimeout: budgetMs };
}

/** Each route's activity, by route; an activity name in the table that is not an agent activity fails to compile here. */
type GroundingStubs = { [R in GroundingRoute]: ActivityInterfaceFor<AgentActivities>[GroundingActivity<R>] };

function groundingStubs(windowMs: number, dispatch: Pick<ActivityOptions, 'priority'>): GroundingStubs {
  const stubs: Partial<Record<GroundingRoute, unknown>> = {};
  for (const route of GROUNDING_ROUTE_NAMES) {
    const { activity, timeouts } = GROUNDING_ROUTES[route];
    stubs[route] = proxyActivities<AgentActivities>({ ...groundingOptions(windowMs, timeouts), ...dispatch })[activity];
  }
  return stubs as GroundingStubs;
}

/**
 * The stubs of one run, for its outage window (a duration such as "10 minutes"). With a priority the stubs'
 * activities take it instead of inheriting the run's (a run continuing after a review decision).
 */
export function activitiesFor(outageWindow: string = DEFAULT_OUTAGE_WINDOW, priority?: Priority) {
  return stubsWithin(durationMs(outageWindow), priority ? { priority } : {});
}

function stubsWithin(windowMs: number, dispatch: Pick<ActivityOptions, 'priority'>) {
  const within = (attemptMs: number, extra: Partial<ActivityOptions> = {}): ActivityOptions => withinWindow(windowMs, attemptMs, { ...dispatch, ...extra });
  return {
    plan: proxyActivities<Pick<AgentActivities, 'planContext'>>(within(2 * MINUTE, { summary: 'plan the missing context' })),
    /** The grounding routes' activities (common/groundingRoutes.ts), keyed by route. */
    ground: groundingStubs(windowMs, dispatch),
    memoryWrite: proxyActivities<Pick<AgentActivities, 'rememberTurn'>>(within(MINUTE, { summary: 'remember the turn and update the profile' })),
    compose: proxyActivities<Pick<AgentActivities, 'composePrompt'>>(within(2 * MINUTE)),
    checklist: proxyActivities<Pick<AgentActivities, 'planChecklist'>>(within(2 * MINUTE, { summary: 'plan the feedback checklist' })),
    critique: proxyActivities<Pick<AgentActivities, 'critiqueImage'>>(within(3 * MINUTE)),
    session: proxyActivities<Pick<AgentActivities, 'selectRelevantTurns'>>(within(MINUTE)),
    report: proxyActivities<Pick<AgentActivities, 'writeReport'>>(within(MINUTE, { summary: 'write the run report to object storage' })),
    /** The report as a local activity (workflows/patches.ts, REPORT_AS_LOCAL_ACTIVITY). */
    localReport: proxyLocalActivities<Pick<AgentActivities, 'writeReport'>>(localWithinWindow(windowMs, MINUTE, 'write the run report to object storage')),
    batch: proxyActivities<Pick<AgentActivities, 'loadBatchCases' | 'writeBatchReport'>>(within(10 * MINUTE)),
    judge: proxyActivities<Pick<AgentActivities, 'judgeCase'>>(within(3 * MINUTE)),
    question: proxyActivities<Pick<AgentActivities, 'answerReviewQuestion'>>({
      ...withinWindow(QUESTION_TIMEOUTS.totalMs - QUESTION_TIMEOUTS.attemptMs, QUESTION_TIMEOUTS.attemptMs, dispatch),
      summary: 'answer a reviewer question',
    }),
    /** Webhook deliveries retry for the window too; a receiver's 4xx stops them. */
    webhooks: proxyActivities<Pick<AgentActivities, 'deliverWebhook'>>(
      within(30 * SECOND, {
        heartbeatTimeout: undefined,
        retry: {
          initialInterval: '2 seconds',
          backoffCoefficient: 2,
          maximumInterval: '1 minute',
          nonRetryableErrorTypes: [FailureType.WebhookRejected, FailureType.InvalidInput],
        },
      }),
    ),
    /** Renders run on the GPU queue named after the workflow's own queue; a render holds a slot 10 minutes at most. */
    gpu: proxyActivities<GpuActivities>({
      ...within(10 * MINUTE),
      taskQueue: gpuTaskQueueFor(workflowInfo().taskQueue),
      retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '30 seconds', nonRetryableErrorTypes: NON_RETRYABLE_TYPES },
    }),
  };
}

export type RunActivities = ReturnType<typeof stubsWithin>;
