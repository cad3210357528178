/**
 * IMAGE_AGENT_PROVIDERS=offline (the zero-key default): deterministic implementations of every chat role and a
 * layout renderer, no model anywhere. Everything they produce is labelled 'offline'; there is no embedder, so
 * memory retrieves by full-text search alone.
 */
import type { ModelVendor } from '../modelVendor';
import { OfflineChecklistPlanner } from './offlineChecklist';
import { OfflineComposer } from './offlineComposer';
import { OfflineCritic } from './offlineCritic';
import { OfflineImageModel } from './offlineImageModel';
import { OfflineJudge } from './offlineJudge';
import { OfflinePlanner } from './offlinePlanner';
import { OfflineProfiler } from './offlineProfiler';
import { OfflineRanker } from './offlineRanker';
import { OfflineReasoner } from './offlineReasoner';
import { OfflineRespondent } from './offlineRespondent';
import { OfflineSummarizer } from './offlineSummarizer';

export const offlineVendor = {
  name: 'offline',
  about: 'Deterministic offline implementations of every chat role and a layout renderer: no model anywhere, and every output says so.',
  settings: {},
  chat: (ctx) => ({
    planner: new OfflinePlanner(),
    reasoner: new OfflineReasoner(ctx.corpus(), ctx.relevance),
    summarizer: new OfflineSummarizer(),
    ranker: new OfflineRanker(),
    composer: new OfflineComposer(),
    checklist: new OfflineChecklistPlanner(),
    critic: new OfflineCritic(),
    profiler: new OfflineProfiler(),
    judge: new OfflineJudge(),
    respondent: new OfflineRespondent(),
  }),
  image: () => new OfflineImageModel(),
} as const satisfies ModelVendor<never>;
