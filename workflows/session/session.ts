/**
 * Session: one workflow per conversation (tenant, user, session id). It accepts turns through an update,
 * runs one GenerateImage child per turn in order, and hands each child only the earlier turns it needs
 * (selected under a budget), images included. Its history stays bounded: it continues as new with a
 * compact state when Temporal suggests it, keeping only the recent turns (older ones live in memory).
 */
import { allHandlersFinished, condition, setHandler, startChild, workflowInfo } from '@temporalio/workflow';
import type { ReviewAuth } from '../../common/decisionSignature';
import { FOREIGN_PAYLOAD_PROBLEM, isForeignPayload } from '../../common/foreignPayload';
import type { GenerateOptions } from '../../common/request';
import type { ReviewPolicy } from '../../common/review';
import { Kind } from '../../common/searchAttributes';
import { TEXT_LIMITS, textProblem } from '../../common/textLimits';
import type { GenerateImageResult } from '../../common/runResult';
import { activitiesFor } from '../activityStubs';
import { generateImage } from '../generate/generateImage';
import { closeSessionSignal, sessionQuery, submitTurnUpdate, type QueuedTurn, type SessionTurn } from './sessionMessages';
import { resolveTurn, turnOptions } from './turnOptions';
import { continueAsNewOnCurrentBuild, newBuildIsCurrent } from '../upgradeOnContinueAsNew';

export interface SessionInput {
  tenantId: string;
  userId: string;
  sessionId: string;
  options?: Partial<GenerateOptions>;
  /** The review policy every turn runs under (the client's configured default); absent in sessions started before it existed. */
  review?: ReviewPolicy;
  /**
   * Every turn's review auth (the API's public key, the session's requester, the tenant's rules), so turn
   * decisions are signed and four-eyes applies; absent in sessions started before it existed.
   */
  reviewAuth?: ReviewAuth;
  /** Turns one run handles before it continues as new (also done earlier when Temporal suggests it). */
  maxTurnsPerRun?: number;
  /** Carried across continue-as-new. */
  state?: { turns: SessionTurn[]; queue: QueuedTurn[]; nextIndex: number; continuedAsNew: number };
}

/** Turns kept in the workflow's state: enough for relevance selection, bounded for the history. */
const RETAINED_TURNS = 50;
/** How many earlier turns, and how many characters of them, a new turn may bring along. */
const HISTORY_TURNS = 3;
const HISTORY_BUDGET_CHARS = 4000;
/** A session nobody talks to for this long completes; a new turn starts it again. */
const IDLE_TIMEOUT = '7 days';

export async function session(input: SessionInput): Promise<SessionTurn[]> {
  const info = workflowInfo();
  const state = input.state ?? { turns: [], queue: [], nextIndex: 1, continuedAsNew: 0 };
  let closed = false;
  let turnsThisRun = 0;
  const maxTurnsPerRun = input.maxTurnsPerRun ?? 100;
  const shouldContinueAsNew = (): boolean => workflowInfo().continueAsNewSuggested || turnsThisRun >= maxTurnsPerRun || newBuildIsCurrent();

  setHandler(
    submitTurnUpdate,
    (turn) => {
      const index = state.nextIndex++;
      const resolved = resolveTurn(input, turn);
      const underPolicy = resolved ? { policyVersion: resolved.policyVersion, clamped: resolved.clamped } : {};
      state.queue.push({ ...turn, index, ...(resolved ? { resolved } : {}) });
      state.turns.push({ index, workflowId: turnWorkflowId(index), request: turn.request, imageKeys: [], status: 'queued', ...underPolicy });
      return { index, workflowId: turnWorkflowId(index), ...underPolicy };
    },
    {
      validator: (turn) => {
        // Validators add no commands: a refused turn leaves no trace in the history.
        if (isForeignPayload(turn)) throw new Error(FOREIGN_PAYLOAD_PROBLEM);
        const owner = turn?.owner;
        if (!owner || owner.tenantId !== input.tenantId || owner.userId !== input.userId || owner.sessionId !== input.sessionId) {
          throw new Error('this session belongs to another owner');
        }
        if (closed) throw new Error('this session is closed; start a new session id');
        if (typeof turn?.request !== 'string' || !turn.request.trim()) throw new Error('the turn has no request text');
        const problem = textProblem(turn.request, TEXT_LIMITS.request);
        if (problem) throw new Error(`the request ${problem}`);
      },
    },
  );
  setHandler(sessionQuery, () => ({ sessionId: input.sessionId, turns: state.turns, retained: RETAINED_TURNS, continuedAsNew: state.continuedAsNew }));
  setHandler(closeSessionSignal, () => {
    closed = true;
  });

  function turnWorkflowId(index: number): string {
    return `${info.workflowId}-turn-${index}`;
  }

  for (;;) {
    const active = await condition(() => state.queue.length > 0 || closed || shouldContinueAsNew(), IDLE_TIMEOUT);
    if (!active || (closed && !state.queue.length)) break;
    if (shouldContinueAsNew()) {
      // Queued turns travel in the state; updates still being handled finish first.
      await condition(allHandlersFinished);
      await continueAsNewOnCurrentBuild<typeof session>({
        ...input,
        state: { ...state, turns: state.turns.slice(-RETAINED_TURNS), continuedAsNew: state.continuedAsNew + 1 },
      });
    }
    const next = state.queue.shift();
    if (!next) continue;
    turnsThisRun += 1;
    const record = state.turns.find((t) => t.index === next.index)!;
    const earlier = state.turns.filter((t) => t.status === 'done' && t.index < next.index);
    const { selected } = await activitiesFor(input.options?.outageWindow).session.selectRelevantTurns.executeWithOptions(
      { summary: `select context for turn ${next.index}` },
      [
        {
          request: next.request,
          turns: earlier.map(({ index, workflowId, request, prompt, imageKeys }) => ({ index, workflowId, request, prompt, imageKeys })),
          maxTurns: HISTORY_TURNS,
          budgetChars: HISTORY_BUDGET_CHARS,
        },
      ],
    );
    record.usedTurns = selected.map((t) => t.index);
    try {
      const child = await startChild(generateImage, {
        workflowId: record.workflowId,
        // A turn is a generation like any other: listed among the tenant's runs and pending reviews.
        typedSearchAttributes: [...info.typedSearchAttributes.getAll().filter((p) => p.key.name !== Kind.name), { key: Kind, value: 'generate' }],
        staticSummary: `turn ${next.index}`,
        args: [
          {
            request: next.request,
            tenantId: input.tenantId,
            userId: input.userId,
            sessionId: input.sessionId,
            inputImageKeys: next.inputImageKeys,
            history: selected,
            ...turnOptions(input, next),
          },
        ],
      });
      record.status = 'running';
      const result: GenerateImageResult = await child.result();
      record.status = 'done';
      record.prompt = result.final?.context.prompt;
      record.imageKeys = result.images.map((i) => i.final.image.key);
    } catch (err) {
      // A failed turn is recorded and the conversation goes on; the child's history holds the details.
      record.status = 'failed';
      record.error = err instanceof Error ? ((err.cause as Error | undefined)?.message ?? err.message) : String(err);
    }
    if (state.turns.length > RETAINED_TURNS * 2) state.turns.splice(0, state.turns.length - RETAINED_TURNS);
  }
  await condition(allHandlersFinished);
  return state.turns;
}
