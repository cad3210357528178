/**
 * Picks the implementation of each provider role from configuration: OpenAI-compatible endpoints when
 * configured, deterministic offline implementations otherwise (the zero-key default, labelled in every output).
 */
import type { AppConfig } from '../common/config';
import type { AgentModels } from './agentRoles';
import type { ImageModel } from './imageModel';
import { OfflineChecklistPlanner } from './offline/offlineChecklist';
import { OfflineComposer } from './offline/offlineComposer';
import { OfflineCritic } from './offline/offlineCritic';
import { OfflineImageModel } from './offline/offlineImageModel';
import { OfflineJudge } from './offline/offlineJudge';
import { OfflinePlanner } from './offline/offlinePlanner';
import { OfflineProfiler } from './offline/offlineProfiler';
import { OfflineRanker } from './offline/offlineRanker';
import { OfflineReasoner } from './offline/offlineReasoner';
import { OfflineSummarizer } from './offline/offlineSummarizer';
import { ChatModel } from './openai/chatModel';
import { createOpenAIClient } from './openai/openaiClient';
import { OpenAIChecklistPlanner } from './openai/openaiChecklist';
import { OpenAIComposer } from './openai/openaiComposer';
import { OpenAICritic } from './openai/openaiCritic';
import { OpenAIEmbedder } from './openai/openaiEmbedder';
import { OpenAIImageModel } from './openai/openaiImageModel';
import { OpenAIJudge } from './openai/openaiJudge';
import { OpenAIPlanner } from './openai/openaiPlanner';
import { OpenAIProfiler } from './openai/openaiProfiler';
import { OpenAIRanker } from './openai/openaiRanker';
import { OpenAIReasoner } from './openai/openaiReasoner';
import { OpenAISummarizer } from './openai/openaiSummarizer';
import { LocalCorpusSearch } from './search/localCorpusSearch';
import type { WebSearch } from './search/webSearch';

export function createImageModel(config: AppConfig): ImageModel {
  if (config.models.mode === 'offline') return new OfflineImageModel();
  return new OpenAIImageModel(createOpenAIClient(config.models.image), config.models.roles.image, { sendSeed: config.models.sendSeed });
}

/**
 * `corpus`: the local corpus index the offline reasoner consults; pass the web-search backend when it is the
 * same corpus, so the folder is indexed once per worker.
 */
export function createAgentModels(config: AppConfig, options: { corpus?: WebSearch } = {}): AgentModels {
  if (config.models.mode === 'offline') {
    return {
      provider: 'offline',
      planner: new OfflinePlanner(),
      reasoner: new OfflineReasoner(options.corpus ?? new LocalCorpusSearch(config.search.localCorpusDir), config.search.relevance),
      summarizer: new OfflineSummarizer(),
      ranker: new OfflineRanker(),
      composer: new OfflineComposer(),
      checklist: new OfflineChecklistPlanner(),
      critic: new OfflineCritic(),
      profiler: new OfflineProfiler(),
      judge: new OfflineJudge(),
    };
  }
  const client = createOpenAIClient(config.models.chat);
  const chat = new ChatModel(client);
  const { roles } = config.models;
  return {
    provider: 'openai',
    planner: new OpenAIPlanner(chat, roles.planner),
    reasoner: new OpenAIReasoner(chat, roles.reasoner),
    summarizer: new OpenAISummarizer(chat, roles.reasoner),
    ranker: new OpenAIRanker(chat, roles.vlm),
    composer: new OpenAIComposer(chat, roles.planner),
    checklist: new OpenAIChecklistPlanner(chat, roles.planner),
    critic: new OpenAICritic(chat, roles.vlm),
    profiler: new OpenAIProfiler(chat, roles.reasoner),
    judge: new OpenAIJudge(chat, roles.judge),
    embedder: new OpenAIEmbedder(client, roles.embeddings),
  };
}
