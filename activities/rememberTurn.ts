/**
 * remember: after a run, the turn is written and the profile updated with what the request revealed.
 * Both writes are keyed by the workflow id, so a retried activity adds no duplicate rows.
 */
import { Context } from '@temporalio/activity';
import type { UserProfile } from '../common/evidence';
import type { ModelCallRecord } from '../common/modelCall';
import type { AgentDeps } from './agentDeps';
import { currentWorkflowId } from './currentWorkflow';
import { reportProgress } from './progress';

export interface RememberTurnInput {
  tenantId: string;
  userId: string;
  sessionId: string;
  request: string;
  composedPrompt?: string;
  imageKeys: string[];
}

export interface RememberTurnResult {
  turnInserted: boolean;
  profileApplied: boolean;
  learned: UserProfile;
  calls: ModelCallRecord[];
}

/** What an attempt keeps for the next one: the profiler's answer, already paid for. */
interface RememberProgress {
  learned: UserProfile;
  calls: ModelCallRecord[];
}

export function rememberTurnActivity(deps: Pick<AgentDeps, 'models' | 'memory'>) {
  return async function rememberTurn(input: RememberTurnInput): Promise<RememberTurnResult> {
    const workflowId = currentWorkflowId();
    // A retry after a failed write (Postgres down) reuses the answer instead of asking the model again.
    const earlier = Context.current().info.heartbeatDetails as RememberProgress | undefined;
    let extracted: RememberProgress;
    if (earlier?.learned) {
      extracted = { learned: earlier.learned, calls: [] };
    } else {
      const profile = await deps.memory.getProfile(input.tenantId, input.userId);
      const { value, calls } = await deps.models.profiler.extract({ request: input.request, profile });
      extracted = { learned: value, calls };
      reportProgress(extracted);
    }
    const { learned, calls } = extracted;
    const embedder = deps.models.embedder;
    const text = `${input.request}\n${input.composedPrompt ?? ''}`;
    const embedding = embedder && (await deps.memory.hasVector()) ? { vector: (await embedder.embed([text]))[0]!, model: embedder.model } : undefined;
    const turnInserted = await deps.memory.rememberTurn({ ...input, workflowId, summary: input.composedPrompt?.slice(0, 600), embedding });
    const hasFacts = Object.values(learned).some((v) => (Array.isArray(v) ? v.length : v && (typeof v !== 'object' || Object.keys(v).length)));
    const { applied } = hasFacts ? await deps.memory.applyProfileUpdate(input.tenantId, input.userId, workflowId, learned) : { applied: false };
    return { turnInserted, profileApplied: applied, learned, calls };
  };
}
