/** Temporal: the task queue and the UI the CLI links to (the connection itself comes through @temporalio/envconfig). */
import { z } from 'zod';
import { gpuTaskQueueFor } from '../../common/taskQueues';
import { configSection } from '../configSection';
import { text } from './schemas';

export const temporalSettings = configSection(
  'Temporal',
  'The address, namespace, API key and TLS come through `@temporalio/envconfig`: `TEMPORAL_ADDRESS` (default `localhost:7233`), `TEMPORAL_NAMESPACE` (`default`), `TEMPORAL_API_KEY`, `TEMPORAL_TLS*`, or a TOML profile (`TEMPORAL_PROFILE`).',
  {
    IMAGE_AGENT_TASK_QUEUE: { schema: text, default: 'image-agent', description: 'The orchestration task queue; renders go to `<queue>-gpu`.' },
    TEMPORAL_UI_URL: { schema: z.url(), default: 'http://localhost:8233', description: 'Base of the run links the CLI prints.' },
  },
  (s) => ({
    taskQueue: s.IMAGE_AGENT_TASK_QUEUE,
    // Workflows derive the GPU queue from their own queue (see common/taskQueues.ts).
    gpuTaskQueue: gpuTaskQueueFor(s.IMAGE_AGENT_TASK_QUEUE),
    uiUrl: s.TEMPORAL_UI_URL.replace(/\/$/, ''),
  }),
);
