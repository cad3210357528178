/**
 * Talking to a conversation: the first turn starts its Session workflow and later turns reach the running
 * one (update-with-start, so there is no race between "is it running?" and "start it"). The caller's request
 * id is the update id, so a retried submission is not a second turn.
 */
import { randomUUID } from 'node:crypto';
import { WithStartWorkflowOperation, type Client } from '@temporalio/client';
import type { AppConfig } from '../common/config';
import type { GenerateOptions } from '../common/request';
import { Kind, Providers, Tenant, UserTag } from '../common/searchAttributes';
import { userTag } from '../common/userTag';
import { withOutageWindow } from './startOptions';
import type { GenerateImageResult } from '../common/runResult';
import { sessionQuery, sessionWorkflowId, submitTurnUpdate, type TurnAccepted, type TurnRequest } from '../workflows/sessionMessages';
import { session } from '../workflows/session';

export interface Conversation {
  tenantId: string;
  userId: string;
  sessionId: string;
  options?: Partial<GenerateOptions>;
  /** Turns per workflow run before it continues as new (default 100). */
  maxTurnsPerRun?: number;
}

export async function submitTurn(
  client: Client,
  config: AppConfig,
  conversation: Conversation,
  turn: TurnRequest,
  requestId: string = randomUUID(),
): Promise<TurnAccepted> {
  const workflowId = sessionWorkflowId(conversation.tenantId, conversation.userId, conversation.sessionId);
  const start = new WithStartWorkflowOperation(session, {
    workflowId,
    taskQueue: config.temporal.taskQueue,
    workflowIdConflictPolicy: 'USE_EXISTING',
    args: [
      {
        tenantId: conversation.tenantId,
        userId: conversation.userId,
        sessionId: conversation.sessionId,
        options: withOutageWindow(config, conversation.options),
        maxTurnsPerRun: conversation.maxTurnsPerRun,
      },
    ],
    staticSummary: `conversation ${conversation.sessionId}`,
    typedSearchAttributes: [
      { key: Tenant, value: conversation.tenantId },
      { key: UserTag, value: userTag(conversation.tenantId, conversation.userId) },
      { key: Kind, value: 'session' },
      { key: Providers, value: config.models.mode },
    ],
  });
  return client.workflow.executeUpdateWithStart(submitTurnUpdate, { args: [turn], updateId: requestId, startWorkflowOperation: start });
}

/**
 * The result of an accepted turn. A turn waits in the session's queue until earlier turns finish, so its
 * child may not exist yet: the session's query says when it has started.
 */
export async function turnResult(client: Client, conversation: Conversation, accepted: TurnAccepted, pollMs = 250): Promise<GenerateImageResult> {
  const session = client.workflow.getHandle(sessionWorkflowId(conversation.tenantId, conversation.userId, conversation.sessionId));
  for (;;) {
    const turn = (await session.query(sessionQuery)).turns.find((t) => t.index === accepted.index);
    if (!turn) throw new Error(`turn ${accepted.index} is no longer in the session's state`);
    if (turn.status === 'failed') throw new Error(`turn ${accepted.index} failed: ${turn.error ?? 'unknown error'}`);
    if (turn.status !== 'queued') return client.workflow.getHandle(accepted.workflowId).result();
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
