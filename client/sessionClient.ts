/**
 * Talking to a conversation: the first turn starts its Session workflow and later turns reach the running
 * one (update-with-start, so there is no race between "is it running?" and "start it"). The caller's request
 * id is the update id, so a retried submission is not a second turn.
 *
 * The session's id is a keyed hash of (tenant, user, session) (common/sessionId.ts). A session started under
 * the old `session-<tenant>-<user>-<session>` id keeps working while it runs: its turns go to it when its
 * owner is the caller's triple (the update's validator checks), and once it has ended the conversation goes
 * on under the new id.
 */
import { randomUUID } from 'node:crypto';
import { WithStartWorkflowOperation, WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import type { AppConfig } from '../common/config';
import type { GenerateOptions } from '../common/request';
import { Tenant } from '../common/searchAttributes';
import { legacySessionWorkflowId, sessionWorkflowId } from '../common/sessionId';
import { reviewSigner } from '../security/reviewSigner';
import { resolveInputImages } from './generations';
import { admitStarts } from './tenantCaps';
import { startUnderPolicy } from './startUnderPolicy';
import { runSearchAttributes, withOutageWindow } from './startOptions';
import { refuseErasedStart } from './startRefusal';
import type { GenerateImageResult } from '../common/runResult';
import type { ObjectStore } from '../providers/objectStore';
import { sessionQuery, submitTurnUpdate, type TurnAccepted, type TurnRequest } from '../workflows/session/sessionMessages';
import { session } from '../workflows/session/session';

export interface Conversation {
  tenantId: string;
  userId: string;
  sessionId: string;
  options?: Partial<GenerateOptions>;
  /** Turns per workflow run before it continues as new (default 100). */
  maxTurnsPerRun?: number;
  /** The authenticated principal talking (an operator named after the user when absent): four-eyes keeps them from approving its turns. */
  requestedBy?: string;
}

/** An accepted turn, and the session workflow that holds it. */
export interface SessionTurnAccepted extends TurnAccepted {
  sessionWorkflowId: string;
}

export async function submitTurn(
  client: Client,
  config: AppConfig,
  conversation: Conversation,
  turn: Omit<TurnRequest, 'owner'>,
  requestId: string = randomUUID(),
  store?: ObjectStore,
): Promise<SessionTurnAccepted> {
  const owner = { tenantId: conversation.tenantId, userId: conversation.userId, sessionId: conversation.sessionId };
  await refuseErasedStart({ config, store }, conversation.tenantId, [conversation.userId]);
  if (turn.inputImageKeys?.length) {
    if (!store) throw new Error('a turn with input images needs the object store to check them');
    turn = { ...turn, inputImageKeys: await resolveInputImages({ store }, conversation.tenantId, turn.inputImageKeys) };
  }
  // The turn runs under the tenant's policy as it is now: a change reaches the next turn of a running session.
  // (The workflow resolves the turn's options under it, with the session's: it knows them, the client does not.)
  const { tenant, dispatch } = await startUnderPolicy(config, conversation.tenantId, { options: turn.options }, config.review.defaults, 'interactive');
  const request: TurnRequest = { ...turn, owner, policy: tenant };
  // Each turn is a run of the tenant: it must fit its caps like any start.
  await admitStarts({ client }, tenant);
  // legacy-read: unprefixed-session-id
  const legacy = await runningLegacySession(client, conversation);
  if (legacy) {
    try {
      const accepted = await client.workflow.getHandle(legacy).executeUpdate(submitTurnUpdate, { args: [request], updateId: requestId });
      return { ...accepted, sessionWorkflowId: legacy };
    } catch (err) {
      // Another triple's session under the colliding old id: this conversation is not that one.
      if (!(err instanceof WorkflowUpdateFailedError && /another owner/.test((err.cause as Error | undefined)?.message ?? ''))) throw err;
    }
  }
  const workflowId = sessionWorkflowId(config.ids.key, conversation.tenantId, conversation.userId, conversation.sessionId);
  // Turns are runs like any other: their decisions are signed, under the tenant's review rules.
  const reviewAuth = reviewSigner(config).reviewAuth(conversation.requestedBy ?? `operator-${conversation.userId}`, tenant.policy.review);
  const start = new WithStartWorkflowOperation(session, {
    workflowId,
    taskQueue: config.temporal.taskQueue,
    // Interactive, under the tenant's fairness key: its turns (children) inherit it.
    ...dispatch,
    workflowIdConflictPolicy: 'USE_EXISTING',
    args: [
      {
        tenantId: conversation.tenantId,
        userId: conversation.userId,
        sessionId: conversation.sessionId,
        options: withOutageWindow(config, conversation.options),
        // What a turn asks for nobody asked for: the configured default, raised to the rules when the turn runs.
        review: config.review.defaults,
        reviewAuth,
        maxTurnsPerRun: conversation.maxTurnsPerRun,
      },
    ],
    staticSummary: 'conversation',
    typedSearchAttributes: runSearchAttributes(config, { kind: 'session', tenantId: conversation.tenantId, userId: conversation.userId }),
  });
  const accepted = await client.workflow.executeUpdateWithStart(submitTurnUpdate, { args: [request], updateId: requestId, startWorkflowOperation: start });
  return { ...accepted, sessionWorkflowId: workflowId };
}

/** The conversation's session under its old id, when one is still running in the caller's tenant. */
async function runningLegacySession(client: Client, c: Conversation): Promise<string | undefined> {
  const id = legacySessionWorkflowId(c.tenantId, c.userId, c.sessionId);
  try {
    const info = await client.workflow.getHandle(id).describe();
    return info.status.name === 'RUNNING' && info.type === 'session' && info.typedSearchAttributes.get(Tenant) === c.tenantId ? id : undefined;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}

/**
 * The result of an accepted turn. A turn waits in the session's queue until earlier turns finish, so its
 * child may not exist yet: the session's query says when it has started.
 */
export async function turnResult(client: Client, accepted: SessionTurnAccepted, pollMs = 250): Promise<GenerateImageResult> {
  const session = client.workflow.getHandle(accepted.sessionWorkflowId);
  for (;;) {
    const turn = (await session.query(sessionQuery)).turns.find((t) => t.index === accepted.index);
    if (!turn) throw new Error(`turn ${accepted.index} is no longer in the session's state`);
    if (turn.status === 'failed') throw new Error(`turn ${accepted.index} failed: ${turn.error ?? 'unknown error'}`);
    if (turn.status !== 'queued') return client.workflow.getHandle(accepted.workflowId).result();
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
