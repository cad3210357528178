/** The Session workflow's messages, shared by the workflow and its clients. */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { GenerateOptions, HistoryTurn } from '../../common/request';
import type { Clamp, ResolvedRun } from '../../common/resolveRunOptions';
import type { VersionedTenantPolicy } from '../../common/tenantPolicy';

/** Who a session belongs to: stored in the workflow's input, and checked on every turn by the update's validator. */
export interface SessionOwner {
  tenantId: string;
  userId: string;
  sessionId: string;
}

export interface TurnRequest {
  request: string;
  /** The caller's (tenant, user, session); a turn whose owner is not the session's is refused. */
  owner?: SessionOwner;
  inputImageKeys?: string[];
  options?: Partial<GenerateOptions>;
  /**
   * The tenant's policy when the turn was submitted, read by the client (client/tenantPolicies.ts): the turn runs
   * under it, so a policy change reaches the next turn of a running session. Absent in turns from older clients.
   */
  policy?: VersionedTenantPolicy;
}

export interface TurnAccepted {
  index: number;
  /** The GenerateImage child that runs the turn; await its result through the client. */
  workflowId: string;
  /** What the tenant's policy changed of the session's and the turn's options (absent: no policy came with it). */
  clamped?: Clamp[];
  policyVersion?: number;
}

/** A queued turn: as submitted, and, when a policy came with it, its options resolved under that policy. */
export type QueuedTurn = TurnRequest & { index: number; resolved?: ResolvedRun };

export interface SessionTurn extends HistoryTurn {
  status: 'queued' | 'running' | 'done' | 'failed';
  error?: string;
  /** The earlier turns selected as this turn's context. */
  usedTurns?: number[];
  /** The tenant policy version the turn runs under, and what it changed. */
  policyVersion?: number;
  clamped?: Clamp[];
}

export interface SessionView {
  sessionId: string;
  turns: SessionTurn[];
  /** Turns in the workflow's state; older ones live on in Postgres memory. */
  retained: number;
  continuedAsNew: number;
}

export const submitTurnUpdate = defineUpdate<TurnAccepted, [TurnRequest]>('submitTurn');
export const sessionQuery = defineQuery<SessionView>('session');
export const closeSessionSignal = defineSignal('closeSession');
