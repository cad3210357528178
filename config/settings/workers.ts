/** Worker processes and batches: how much runs at once, where renders are spooled, how long outages are waited out. */
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../../common/paths';
import { outageWindowSchema } from '../../common/requestSchema';
import { configSection } from '../configSection';
import { int, optionalString } from './schemas';

export const workerSettings = configSection(
  'Workers and batches',
  'The orchestration worker runs workflows and the light activities; the GPU worker runs only renders.',
  {
    IMAGE_AGENT_GPU_CONCURRENCY: { schema: int(1, 64), default: '2', description: 'Renders in flight per GPU worker.' },
    IMAGE_AGENT_ACTIVITY_CONCURRENCY: { schema: int(1, 1000), default: '20', description: 'Model and search calls in flight per orchestration worker.' },
    IMAGE_AGENT_EAGER_ACTIVITY_SLOTS: {
      schema: int(0, 1000),
      default: '11',
      description:
        'Activity slots a workflow task may reserve to run the activities it schedules on this worker at once, skipping a trip through the server’s matching (0: off). The default covers a plan’s widest group: 10 questions and the memory recall.',
    },
    IMAGE_AGENT_BATCH_CONCURRENCY: { schema: int(1, 256), default: '4', description: 'Cases in flight per batch.' },
    IMAGE_AGENT_RENDER_SPOOL_DIR: {
      schema: optionalString,
      defaultText: 'a folder under the system’s temporary directory',
      description: 'Where a GPU worker keeps rendered bytes until they are uploaded (a retry reuses them).',
    },
    IMAGE_AGENT_OUTAGE_WINDOW: {
      schema: optionalString.pipe(outageWindowSchema.optional()),
      defaultText: 'each stage’s own',
      description: 'How long a run waits out a dependency’s outage before a stage gives up (docs/operations.md, "Outages").',
    },
    IMAGE_AGENT_WORKER_HEAP_MB: {
      schema: int(128, 65_536),
      default: '512',
      description:
        'Each V8 heap’s old-space limit in a worker process, MB (the main thread’s and the workflow thread’s each): the stack starts workers with it as --max-old-space-size, and the SDK sizes its workflow cache from it. Keep two heaps and ~300 MB of native memory under the container’s limit (docs/operations.md, "Worker memory").',
    },
    IMAGE_AGENT_WORKER_SEMI_SPACE_MB: {
      schema: int(1, 256),
      default: '16',
      description:
        'A worker’s young-generation semi-space, MB, fixed from the start (--min-semi-space-size and --max-semi-space-size), so it never grows in steps under load.',
    },
    IMAGE_AGENT_WORKER_GRACE_SECONDS: {
      schema: int(0, 3600),
      default: '60',
      description: 'Seconds a worker’s running activities get to finish after SIGTERM.',
    },
  },
  (s) => ({
    workers: {
      gpuConcurrency: s.IMAGE_AGENT_GPU_CONCURRENCY,
      activityConcurrency: s.IMAGE_AGENT_ACTIVITY_CONCURRENCY,
      eagerActivitySlots: s.IMAGE_AGENT_EAGER_ACTIVITY_SLOTS,
      memory: { heapMb: s.IMAGE_AGENT_WORKER_HEAP_MB, semiSpaceMb: s.IMAGE_AGENT_WORKER_SEMI_SPACE_MB },
      renderSpoolDir: s.IMAGE_AGENT_RENDER_SPOOL_DIR
        ? path.resolve(projectRoot, s.IMAGE_AGENT_RENDER_SPOOL_DIR)
        : path.join(os.tmpdir(), 'image-agent-render-spool'),
    },
    batch: { concurrency: s.IMAGE_AGENT_BATCH_CONCURRENCY },
    outageWindow: s.IMAGE_AGENT_OUTAGE_WINDOW,
    workerGraceMs: s.IMAGE_AGENT_WORKER_GRACE_SECONDS * 1000,
  }),
);
