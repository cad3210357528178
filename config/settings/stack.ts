/** The local stack: its folder and ports (`npm run stack:up`; IMAGE_AGENT_STACK_SLOT shifts them all). */
import path from 'node:path';
import { z } from 'zod';
import { projectRoot } from '../../common/paths';
import { configSection } from '../configSection';
import { port, text } from './schemas';

export const stackSettings = configSection(
  'Local stack',
  'The Temporal dev server and its Web UI, SeaweedFS and PGlite that `npm run stack:up` starts; `IMAGE_AGENT_STACK_SLOT=N` moves every port by N×10, so several stacks can share a machine.',
  {
    IMAGE_AGENT_TEMPORAL: {
      schema: z.enum(['dev', 'cluster']),
      default: 'dev',
      description:
        'Which Temporal the stack runs. `dev`: the dev server (one process, one history shard, SQLite). `cluster`: the Temporal server as production runs it, built once per machine with Go (infra/temporalClusterServer/go.mod), with frontend, history (4 shards), matching and worker as separate processes on the stack’s real Postgres (persistence and SQL visibility); its internal ports are STACK_TEMPORAL_PORT + 10000 onwards.',
    },
    STACK_DIR: { schema: text, default: '.stack', description: 'The stack’s folder: data, logs, generated dev keys.' },
    STACK_TEMPORAL_PORT: { schema: port, default: '7233', description: 'Temporal’s frontend: the dev server, or the cluster’s frontend service.' },
    STACK_TEMPORAL_UI_PORT: { schema: port, default: '8233', description: 'The Temporal Web UI (the ui-server, or the dev server’s own as the fallback).' },
    STACK_S3_PORT: { schema: port, default: '8333', description: 'SeaweedFS’s S3 endpoint.' },
    STACK_PGLITE_PORT: { schema: port, default: '25432', description: 'PGlite’s Postgres wire protocol.' },
    STACK_OPS_PORT: {
      schema: port,
      default: '9464',
      description:
        'The first of the stack processes’ ops endpoints (`/metrics`, `/healthz`, `/readyz`): the orchestration worker on this port, the GPU worker on +2, the API on +4 (each worker’s SDK exporter on +1).',
    },
  },
  (s) => ({
    dir: path.resolve(projectRoot, s.STACK_DIR),
    temporal: s.IMAGE_AGENT_TEMPORAL,
    temporalPort: s.STACK_TEMPORAL_PORT,
    temporalUiPort: s.STACK_TEMPORAL_UI_PORT,
    s3Port: s.STACK_S3_PORT,
    pglitePort: s.STACK_PGLITE_PORT,
    opsPort: s.STACK_OPS_PORT,
  }),
);
