/** The budget gate's messages (workflows/budgetGate.ts), shared with its clients (client/budgetGates.ts). */
import { defineUpdate } from '@temporalio/workflow';

/** What an admin decides for a run paused at its budget gate. */
export interface BudgetGateDecision {
  /** `resume`: try the refused call again now (after raising the budget); `stop`: fail the run, naming the budget. */
  decision: 'resume' | 'stop';
  /** The principal deciding (the API's, or `operator-<name>` from the CLI). */
  by: string;
  reason?: string;
}

/** A run's budget gate while it waits (the run's memo `budgetGate`; the stage search attribute says `budget_paused`). */
export interface BudgetGateView {
  /** The budget that had no room: "the tenant's daily budget (2026-12-04)". */
  budget: string;
  /** The ledger's refusal: the budget, what is left, and what the call may cost. */
  message: string;
  /** The activity whose call was refused. */
  activity: string;
  since: string;
  /** When the run tries the call again by itself: after 1, 5, then every 30 minutes (a budget raised without a nudge, or renewed at midnight UTC). */
  recheckAt: string;
}

export interface BudgetGateAnswer {
  accepted: true;
  decision: BudgetGateDecision['decision'];
  /** Calls of the run that were waiting and now resume or fail. */
  calls: number;
}

export const BUDGET_PAUSED_STAGE = 'budget_paused';
export const budgetGateUpdate = defineUpdate<BudgetGateAnswer, [BudgetGateDecision]>('budgetGate');
