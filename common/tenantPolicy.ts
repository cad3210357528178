/**
 * A tenant's rules: what its runs may ask for (rounds, images, ablations), how they are reviewed, and how its
 * work is dispatched beside other tenants' (priority class, fairness weight, queue caps). Stored per tenant in
 * Postgres with a version (security/tenantPolicies.ts); a tenant without a row runs under the defaults from
 * configuration. Pure: workflows import it to clamp session turns and batch cases (common/resolveRunOptions.ts).
 */
import type { ReviewEscalation } from './review';

/** Dispatch classes, best first; Temporal's priority keys are 1 (first) to 5. */
export const PRIORITY_CLASSES = ['interactive', 'batch', 'benchmark'] as const;
export type PriorityClass = (typeof PRIORITY_CLASSES)[number];

export const ABLATION_NAMES = ['noReason', 'noSearch', 'noMemory', 'noFeedback', 'direct'] as const;
export type AblationName = (typeof ABLATION_NAMES)[number];

export interface TenantReviewPolicy {
  /** Every run waits for a reviewer, whatever the request says. */
  required: boolean;
  /** A reviewer other than the requester must approve. */
  fourEyes: boolean;
  /** The shortest review wait a run may ask for ("1 hour"); absent: no floor. */
  minTimeout?: string;
  /** Whether a review that times out may approve the best candidate (never, for four-eyes tenants). */
  allowApproveBestOnTimeout: boolean;
  /** When reviews remind, as a share of their deadline, unless the request says; absent: halfway. */
  remindAt?: number;
  /** A review nobody decides by its deadline passes to these reviewers, with a deadline of its own. */
  escalation?: ReviewEscalation;
}

export interface TenantPolicy {
  review: TenantReviewPolicy;
  /** Renders per image at most, feedback rounds included. */
  maxRounds: number;
  /** Images per request at most (an image set's plan is cut to this many). */
  maxImages: number;
  /** The ablations its requests may switch on; others are dropped and reported. */
  allowedAblations: AblationName[];
  /** The best class its runs are dispatched at; a run asking for a better one gets this. */
  priorityClass: PriorityClass;
  /** Its share of the workers against other tenants' under load (Temporal fairness weight). */
  fairnessWeight: number;
  /** Runs waiting for a worker at most; past it a start is refused with 429. */
  maxQueuedRuns: number;
  /** Runs open at once at most (queued, running or waiting for review). */
  maxOpenRuns: number;
  /** Spend limits in US dollars (the spend ledger enforces them before each paid call); absent: none. */
  budgets?: TenantBudgets;
  /**
   * The model providers the tenant's calls may go to: configured vendors and fallback links by name (`openai`,
   * `openai:backup`). A role's chain keeps only these; a run none of whose links a role allows is refused at
   * start. Absent: every configured provider.
   */
  allowedProviders?: string[];
}

/** What a refused reservation does: fail the run, typed, naming the budget; or pause the call until the budget has room. */
export const BUDGET_ACTIONS = ['fail', 'pause'] as const;
export type BudgetAction = (typeof BUDGET_ACTIONS)[number];

export interface TenantBudgets {
  /** The tenant's spend per UTC day and per UTC month. */
  dailyUsd?: number;
  monthlyUsd?: number;
  /** Each user's spend per UTC day. */
  userDailyUsd?: number;
  /** Each run's and each batch's spend; a request can only lower its run's. */
  runUsd?: number;
  batchUsd?: number;
  onExceeded: BudgetAction;
  /** Share of a budget at which a warning is given (80: at 80%): a metric, and a webhook when `alertWebhookUrl` is set. */
  softLimitPercent: number;
  /** Where the soft-limit warnings are POSTed (signed as run webhooks are; providers/spend/budgetAlerts.ts). */
  alertWebhookUrl?: string;
}

/** A tenant's policy as stored: version 0 is the configured default (no row yet). */
export interface VersionedTenantPolicy {
  tenantId: string;
  version: number;
  policy: TenantPolicy;
}
