/** What the orchestration activities need, built once per worker (see workers/createWorkers.ts). */
import type { AppConfig } from '../common/config';
import type { AgentModels } from '../providers/agentRoles';
import type { MemoryStore } from '../providers/memoryStore';
import type { ObjectStore } from '../providers/objectStore';
import type { ImageSearch } from '../providers/search/imageSearch';
import type { WebSearch } from '../providers/search/webSearch';
import type { SpendLedger } from '../providers/spend/spendLedger';

export interface AgentDeps {
  config: AppConfig;
  models: AgentModels;
  store: ObjectStore;
  memory: MemoryStore;
  webSearch: WebSearch;
  imageSearch: ImageSearch;
  /** The spend ledger paid calls reserve in (providers/spend/); the report reads a run's spend from it. */
  ledger?: SpendLedger;
}
