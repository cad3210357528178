/**
 * The budget gate, a workflow interceptor compiled into the bundle (workers/workflowBundle.ts). Under a tenant's
 * `pause` rule a paid call the spend ledger refuses fails its activity at once as BudgetPaused
 * (providers/spend/spendLedger.ts); here the run catches that failure and waits, like a review, instead of
 * failing: the stage search attribute says `budget_paused` (so `budget set` finds the tenant's paused runs and
 * resumes them), the memo says which budget and why. An admin's `budgetGate` update resumes the call (after a
 * raise) or stops the run; with neither, the run tries again after 1, 5, then every 30 minutes (RECHECKS_MS). A resumed call is scheduled anew through the same interceptors, so the ledger sees a new activity.
 * Every workflow type gets it, so a judge's or a child image's paid call waits the same way. Commands are added
 * only when a call is refused, behind the BUDGET_GATE patch.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  patched,
  proxyActivities,
  setHandler,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
  type ActivityInput,
  type WorkflowInterceptorsFactory,
} from '@temporalio/workflow';
import { FailureType } from '../common/failureTypes';
import { Stage } from '../common/searchAttributes';
import { BUDGET_GATE } from './patches';
import { BUDGET_PAUSED_STAGE, budgetGateUpdate, type BudgetGateDecision, type BudgetGateView } from './budgetGateMessages';

/**
 * How long a paused call waits before trying again by itself: soon at first (a budget raised while the run was
 * on its way to the gate, so the raise's nudge did not find it), then every 30 minutes (a daily budget renews).
 */
const RECHECKS_MS = [60_000, 5 * 60_000, 30 * 60_000];

export const interceptors: WorkflowInterceptorsFactory = () => {
  const gate = new BudgetGate();
  return { outbound: [{ scheduleActivity: (input, next) => gate.through(input, next(input)) }] };
};

class BudgetGate {
  /** Calls of the run waiting at the gate, or resumed and not yet settled. */
  private held = 0;
  /** Calls waiting for a decision now (a resumed call in flight is not): a decision is taken only while one waits. */
  private waiting = 0;
  /** Decisions so far: a waiting call wakes when this moves past what it saw. */
  private decided = 0;
  private last?: BudgetGateDecision;
  private handlerInstalled = false;
  private stageBefore?: string;
  /** Rechecks in a row that found no room: the next one waits longer. */
  private rechecks = 0;
  private view?: BudgetGateView;

  async through<T>(input: ActivityInput, scheduled: Promise<T>): Promise<T> {
    try {
      return await scheduled;
    } catch (err) {
      const refused = pausedRefusal(err);
      if (!refused || !patched(BUDGET_GATE)) throw err;
      const waitMs = RECHECKS_MS[Math.min(this.rechecks, RECHECKS_MS.length - 1)]!;
      this.hold(refused, input.activityType, waitMs);
      try {
        const seen = this.decided;
        this.waiting += 1;
        const decided = await condition(() => this.decided > seen, waitMs).finally(() => (this.waiting -= 1));
        if (decided && this.last?.decision === 'stop') throw stopped(err as ActivityFailure, refused.message, this.last);
        this.rechecks = decided ? 0 : this.rechecks + 1;
        // Resumed, or the recheck came: the same call, scheduled again through every interceptor (this one included).
        const stubs = proxyActivities(input.options) as Record<string, (...args: unknown[]) => Promise<T>>;
        const result = await stubs[input.activityType]!(...input.args);
        this.rechecks = 0;
        return result;
      } finally {
        this.release();
      }
    }
  }

  private hold(refused: { budget: string; message: string }, activity: string, waitMs: number): void {
    this.installHandler();
    const now = Date.now();
    if (this.held++ === 0) {
      this.stageBefore = workflowInfo().typedSearchAttributes.get(Stage);
      upsertSearchAttributes([{ key: Stage, value: BUDGET_PAUSED_STAGE }]);
      this.view = { ...refused, activity, since: new Date(now).toISOString(), recheckAt: new Date(now + waitMs).toISOString() };
    } else if (this.view) {
      // Paused again at a recheck: the memo says when the next one is.
      this.view = { ...this.view, recheckAt: new Date(now + waitMs).toISOString() };
    }
    upsertMemo({ budgetGate: this.view });
  }

  private release(): void {
    if (--this.held > 0) return;
    // A stage the run moved on to meanwhile (another branch) is left as it is.
    if (workflowInfo().typedSearchAttributes.get(Stage) === BUDGET_PAUSED_STAGE && this.stageBefore)
      upsertSearchAttributes([{ key: Stage, value: this.stageBefore }]);
    this.view = undefined;
    upsertMemo({ budgetGate: null });
  }

  private installHandler(): void {
    if (this.handlerInstalled) return;
    this.handlerInstalled = true;
    setHandler(
      budgetGateUpdate,
      (d) => {
        this.last = d;
        this.decided += 1;
        return { accepted: true, decision: d.decision, calls: this.waiting };
      },
      { validator: (d) => refuseGateDecision(this.waiting, d) },
    );
  }
}

function refuseGateDecision(waiting: number, d: BudgetGateDecision): void {
  const problem =
    typeof d !== 'object' || d === null || (d.decision !== 'resume' && d.decision !== 'stop')
      ? 'decision must be "resume" or "stop"'
      : typeof d.by !== 'string' || !d.by
        ? 'the decision names no principal'
        : waiting === 0
          ? 'the run is not waiting at a budget gate (a resumed call may be in flight)'
          : undefined;
  if (problem) throw ApplicationFailure.create({ type: FailureType.BudgetGateRefused, message: problem, nonRetryable: true });
}

/** The ledger's refusal under `pause`, from an activity's failure. */
function pausedRefusal(err: unknown): { budget: string; message: string } | undefined {
  if (!(err instanceof ActivityFailure) || !(err.cause instanceof ApplicationFailure) || err.cause.type !== FailureType.BudgetPaused) return undefined;
  const detail = err.cause.details?.[0] as { budget?: unknown } | undefined;
  return { budget: typeof detail?.budget === 'string' ? detail.budget : 'a budget', message: err.cause.message };
}

/** The run fails as it would under `fail`: a BudgetExceeded failure naming the budget, and who stopped it. */
function stopped(err: ActivityFailure, message: string, d: BudgetGateDecision): ActivityFailure {
  const cause = ApplicationFailure.create({
    type: FailureType.BudgetExceeded,
    message: `${message.replace(/: the run waits at its budget gate.*$/, '')}; ${d.by} stopped the run at its budget gate${d.reason ? `: ${d.reason}` : ''}`,
    nonRetryable: true,
  });
  return new ActivityFailure(err.message, err.activityType, err.activityId, err.retryState, err.identity, cause);
}
