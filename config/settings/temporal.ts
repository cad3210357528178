/** Temporal: the task queue and the UI the CLI links to (the connection itself comes through @temporalio/envconfig). */
import { z } from 'zod';
import { gpuTaskQueueFor } from '../../common/taskQueues';
import { configSection } from '../configSection';
import { bool, text } from './schemas';

export const temporalSettings = configSection(
  'Temporal',
  'The address, namespace, API key and TLS come through `@temporalio/envconfig`: `TEMPORAL_ADDRESS` (default `localhost:7233`), `TEMPORAL_NAMESPACE` (`default`), `TEMPORAL_API_KEY`, `TEMPORAL_TLS*`, or a TOML profile (`TEMPORAL_PROFILE`).',
  {
    IMAGE_AGENT_TASK_QUEUE: { schema: text, default: 'image-agent', description: 'The orchestration task queue; renders go to `<queue>-gpu`.' },
    TEMPORAL_UI_URL: { schema: z.url(), default: 'http://localhost:8233', description: 'Base of the run links the CLI prints.' },
    IMAGE_AGENT_WORKER_VERSIONING: {
      schema: bool,
      default: 'false',
      description:
        'Worker Deployments: the orchestration worker polls as a version of `IMAGE_AGENT_DEPLOYMENT_NAME`, runs stay on their build (sessions and batches pinned, runs auto-upgrading) and a deploy is a ramp (docs/operations.md, "Deploys"). Off: every worker takes every run, and `patched()` alone keeps deploys safe.',
    },
    IMAGE_AGENT_DEPLOYMENT_NAME: {
      schema: z.string().regex(/^[A-Za-z0-9_-]{1,200}$/, 'letters, digits, - and _ only'),
      default: 'image-agent',
      description: 'The Worker Deployment the orchestration workers belong to (the GPU workers report `<name>-gpu`).',
    },
    IMAGE_AGENT_BUILD_ID: {
      schema: z
        .string()
        .regex(/^[A-Za-z0-9._-]{0,255}$/, 'letters, digits, ., - and _ only')
        .optional(),
      defaultText: 'the first 12 hex digits of the workflow bundle’s SHA-256',
      description: 'The orchestration worker’s build id: its version within the deployment. Two builds of different workflow code must never share one.',
    },
    IMAGE_AGENT_DEPLOY_PROMOTE: {
      schema: z.enum(['if-unset', 'never']),
      default: 'if-unset',
      description:
        'With versioning: whether a starting worker makes its version the deployment’s current one when the deployment has none yet (the first deploy). Later versions are ramped and promoted by `npm run cli -- deploy`.',
    },
  },
  (s) => ({
    taskQueue: s.IMAGE_AGENT_TASK_QUEUE,
    // Workflows derive the GPU queue from their own queue (see common/taskQueues.ts).
    gpuTaskQueue: gpuTaskQueueFor(s.IMAGE_AGENT_TASK_QUEUE),
    uiUrl: s.TEMPORAL_UI_URL.replace(/\/$/, ''),
    deployment: {
      name: s.IMAGE_AGENT_DEPLOYMENT_NAME,
      versioning: s.IMAGE_AGENT_WORKER_VERSIONING,
      buildId: s.IMAGE_AGENT_BUILD_ID || undefined,
      promote: s.IMAGE_AGENT_DEPLOY_PROMOTE,
    },
  }),
);
