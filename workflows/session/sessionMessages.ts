/** The Session workflow's messages, shared by the workflow and its clients. */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { GenerateOptions, HistoryTurn } from '../../common/request';

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
}

export interface TurnAccepted {
  index: number;
  /** The GenerateImage child that runs the turn; await its result through the client. */
  workflowId: string;
}

export interface SessionTurn extends HistoryTurn {
  status: 'queued' | 'running' | 'done' | 'failed';
  error?: string;
  /** The earlier turns selected as this turn's context. */
  usedTurns?: number[];
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
