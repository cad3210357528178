/**
 * Every chat role over one vendor's chat model: the prompts, schemas and answer checks of providers/roles/,
 * with the model each role is configured to use (the planner's model also composes and writes checklists; the
 * reasoner's also summarises evidence, updates profiles and answers reviewers' questions; the VLM ranks references and critiques).
 */
import type { ModelNames } from '../../common/config';
import type { ChatModel } from '../chatModel';
import type { ChatRoles } from '../modelVendor';
import { ChatChecklistPlanner } from './checklist';
import { ChatComposer } from './composer';
import { ChatCritic } from './critic';
import { ChatJudge } from './judge';
import { ChatPlanner } from './planner';
import { ChatProfiler } from './profiler';
import { ChatRanker } from './ranker';
import { ChatReasoner } from './reasoner';
import { ChatRespondent } from './respondent';
import { ChatSummarizer } from './summarizer';

export function chatRoles(chat: ChatModel, models: ModelNames): ChatRoles {
  return {
    planner: new ChatPlanner(chat, models.planner),
    reasoner: new ChatReasoner(chat, models.reasoner),
    summarizer: new ChatSummarizer(chat, models.reasoner),
    ranker: new ChatRanker(chat, models.vlm),
    composer: new ChatComposer(chat, models.planner),
    checklist: new ChatChecklistPlanner(chat, models.planner),
    critic: new ChatCritic(chat, models.vlm),
    profiler: new ChatProfiler(chat, models.reasoner),
    judge: new ChatJudge(chat, models.judge),
    respondent: new ChatRespondent(chat, models.reasoner),
  };
}
