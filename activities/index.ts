/**
 * Activity factories, grouped by the task queue that serves them. Workflows import only the types.
 */
import type { ImageModel } from '../providers/imageModel';
import type { ObjectStore } from '../providers/objectStore';
import type { AgentDeps } from './agentDeps';
import { answerReviewQuestionActivity } from './answerReviewQuestion';
import { loadBatchCasesActivity } from './batchCases';
import { composePromptActivity } from './composePrompt';
import { critiqueImageActivity } from './critiqueImage';
import { deliverWebhookActivity } from './deliverWebhook';
import { planChecklistActivity } from './planChecklist';
import { planContextActivity } from './planContext';
import { reasonQuestionActivity } from './reasonQuestion';
import { recallMemoryActivity } from './recallMemory';
import { rememberTurnActivity } from './rememberTurn';
import { renderImageActivity } from './renderImage';
import type { RenderSpool } from './renderSpool';
import { judgeCaseActivity } from './judgeCase';
import { searchImagesActivity } from './searchImages';
import { searchWebActivity } from './searchWeb';
import { selectRelevantTurnsActivity } from './selectRelevantTurns';
import { writeBatchReportActivity } from './writeBatchReport';
import { writeReportActivity } from './writeReport';

export interface GpuDeps {
  imageModel: ImageModel;
  store: ObjectStore;
  spool: RenderSpool;
}

export function createGpuActivities(deps: GpuDeps) {
  return { renderImage: renderImageActivity(deps) };
}

export function createAgentActivities(deps: AgentDeps) {
  return {
    planContext: planContextActivity(deps),
    reasonQuestion: reasonQuestionActivity(deps),
    searchWeb: searchWebActivity(deps),
    searchImages: searchImagesActivity(deps),
    recallMemory: recallMemoryActivity(deps),
    composePrompt: composePromptActivity(deps),
    planChecklist: planChecklistActivity(deps),
    critiqueImage: critiqueImageActivity(deps),
    rememberTurn: rememberTurnActivity(deps),
    selectRelevantTurns: selectRelevantTurnsActivity(deps),
    writeReport: writeReportActivity(deps),
    deliverWebhook: deliverWebhookActivity(deps),
    loadBatchCases: loadBatchCasesActivity(deps),
    judgeCase: judgeCaseActivity(deps),
    writeBatchReport: writeBatchReportActivity(deps),
    answerReviewQuestion: answerReviewQuestionActivity(deps),
  };
}

export type GpuActivities = ReturnType<typeof createGpuActivities>;
export type AgentActivities = ReturnType<typeof createAgentActivities>;
