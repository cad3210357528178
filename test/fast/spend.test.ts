/**
 * Budgets and the spend ledger's pure parts (providers/spend/, common/tenantPolicySchema.ts): which budgets a
 * call counts against and their limits, the most a chat call can cost against what it did, and a budget change
 * merged into a policy (a limit removed, a bad one refused), and the review page's spend line. The ledger itself
 * runs on the stack (test/budget.test.ts).
 */
import { renderInboxPage } from '../../client/api/review/inboxPage';
import type { StatusView } from '../../client/generations';
import { EMPTY_USAGE } from '../../common/modelCall';
import { applyPolicyChange, tenantPolicyChangeSchema } from '../../common/tenantPolicySchema';
import type { TenantPolicy } from '../../common/tenantPolicy';
import { chatCeilingUsd, chatCostUsd } from '../../providers/spend/budgetedModels';
import { BudgetExceededError, budgetsFor, type SpendScope } from '../../providers/spend/spendLedger';

const scope: SpendScope = { tenantId: 'acme', userId: 'ana', workflowId: 'img-1', activityKey: 'img-1/5', attempt: 1 };
const AT = new Date('2026-12-04T10:00:00Z');

test('a call counts against the tenant’s day and month, its user’s day, its run, and its batch when it has one', () => {
  const budgets = budgetsFor(scope, { dailyUsd: 5, monthlyUsd: 100, userDailyUsd: 1, runUsd: 0.5, onExceeded: 'fail', softLimitPercent: 80 }, AT);
  expect(budgets).toEqual([
    { key: 'tenant:acme:day:2026-12-04', label: "the tenant's daily budget (2026-12-04)", limitUsd: 5 },
    { key: 'tenant:acme:month:2026-12', label: "the tenant's monthly budget (2026-12)", limitUsd: 100 },
    { key: 'user:acme:ana:day:2026-12-04', label: "user ana's daily budget (2026-12-04)", limitUsd: 1 },
    { key: 'run:acme:img-1', label: "run img-1's budget", limitUsd: 0.5 },
  ]);
  // A request lowers its run's budget, never raises it; a batch case counts against its batch too.
  expect(budgetsFor({ ...scope, runBudgetUsd: 0.1 }, { runUsd: 0.5, onExceeded: 'fail', softLimitPercent: 80 }, AT)[3]!.limitUsd).toBe(0.1);
  expect(budgetsFor({ ...scope, runBudgetUsd: 9 }, { runUsd: 0.5, onExceeded: 'fail', softLimitPercent: 80 }, AT)[3]!.limitUsd).toBe(0.5);
  const batch = budgetsFor({ ...scope, batchId: 'b-7' }, { batchUsd: 20, onExceeded: 'pause', softLimitPercent: 80 }, AT);
  expect(batch.at(-1)).toEqual({ key: 'batch:acme:b-7', label: "batch b-7's budget", limitUsd: 20 });
  // No budgets: every counter tracked, none limited.
  expect(budgetsFor(scope, undefined, AT).every((b) => b.limitUsd === undefined)).toBe(true);
});

test('a chat call reserves for its text, its images and a full answer, and settles at its usage', () => {
  const price = { inputPerMTok: 2, outputPerMTok: 8 };
  const ceiling = chatCeilingUsd(price, { system: 'x'.repeat(300), user: 'y'.repeat(300), images: [Buffer.from('png')] });
  expect(ceiling).toBeCloseTo(((200 + 1200) / 1e6) * 2 + (4096 / 1e6) * 8, 12);
  const actual = chatCostUsd(price, { inputTokens: 500, outputTokens: 300 });
  expect(actual).toBeCloseTo((500 / 1e6) * 2 + (300 / 1e6) * 8, 12);
  expect(actual).toBeLessThan(ceiling);
});

test('a refusal fails the run, typed and naming the budget; under pause it fails the activity for the budget gate, never retried by Temporal', () => {
  const fail = new BudgetExceededError("the tenant's daily budget of $1.00 has $0.0000 left", "the tenant's daily budget", false);
  expect(fail).toMatchObject({ retryable: false, failureType: 'BudgetExceeded', httpStatus: 402, details: [{ budget: "the tenant's daily budget" }] });
  const paused = new BudgetExceededError('…', 'x', true);
  expect(paused).toMatchObject({ retryable: false, failureType: 'BudgetPaused', details: [{ budget: 'x' }] });
  expect(paused.retryAfterMs).toBeUndefined();
});

const POLICY: TenantPolicy = {
  review: { required: false, fourEyes: false, allowApproveBestOnTimeout: true },
  maxRounds: 3,
  maxImages: 4,
  allowedAblations: [],
  priorityClass: 'interactive',
  fairnessWeight: 1,
  maxQueuedRuns: 10,
  maxOpenRuns: 10,
};

test('a budget change merges into the policy: fail and 80% unless said, "none" (null) removes a limit, bad values are refused', () => {
  const set = applyPolicyChange(POLICY, tenantPolicyChangeSchema.parse({ budgets: { dailyUsd: 5, runUsd: 0.5 } }));
  expect(set.success && set.data.budgets).toEqual({ dailyUsd: 5, runUsd: 0.5, onExceeded: 'fail', softLimitPercent: 80 });
  const removed = applyPolicyChange(set.data!, tenantPolicyChangeSchema.parse({ budgets: { runUsd: null, onExceeded: 'pause' } }));
  expect(removed.success && removed.data.budgets).toEqual({ dailyUsd: 5, onExceeded: 'pause', softLimitPercent: 80 });
  for (const bad of [{ dailyUsd: -1 }, { dailyUsd: Number.NaN }, { dailyUsd: '5' }, { onExceeded: 'warn' }, { softLimitPercent: 0 }, { perDay: 5 }])
    expect(tenantPolicyChangeSchema.safeParse({ budgets: bad }).success).toBe(false);
});

test('the review page shows what a run has spent, and what its calls in flight reserve', () => {
  const view: StatusView = {
    workflowId: 'run-1',
    request: 'a poster',
    stage: 'awaiting_review',
    round: 1,
    approval: 'pending',
    pendingReview: { kind: 'result', candidateKey: 'k', since: '2026-12-04T00:00:00.000Z', onTimeout: 'expire' },
    answers: [],
    checklist: [],
    candidates: [],
    current: [],
    decisions: [],
    questions: [],
    usage: EMPTY_USAGE,
    providers: 'openai',
    degraded: [],
    runStatus: 'RUNNING',
    ui: 'http://ui/run-1',
    urls: {},
  };
  const inbox = (v: StatusView) =>
    renderInboxPage({
      tenant: 'acme',
      filter: {},
      inbox: {
        entries: [{ workflowId: 'run-1', runId: 'r', gate: 'result', candidateKey: 'k', since: v.pendingReview!.since, startTime: v.pendingReview!.since }],
        total: 1,
        page: 1,
        pageSize: 20,
        pages: 1,
        truncated: false,
      },
      statuses: new Map([['run-1', v]]),
      queued: [],
      now: Date.parse('2026-12-04T01:00:00.000Z'),
    });
  expect(inbox(view)).not.toContain('spent $');
  const page = inbox({ ...view, spend: { settledUsd: 0.08, reservedUsd: 0.04, calls: 3 } });
  expect(page).toContain('spent $0.0800 (+$0.0400 in flight)');
});
