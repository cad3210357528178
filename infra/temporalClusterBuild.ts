/**
 * The Temporal server (`go.temporal.io/server/cmd/server`) and its SQL schema tool (`cmd/tools/sql`) for the
 * stack's cluster mode, pinned in infra/temporalClusterServer/go.mod and go.sum and built once per machine into the
 * tool cache (infra/goToolBuild.ts). The server's Postgres schemas are copied beside the binaries, so creating
 * and upgrading them needs nothing from the module cache afterwards.
 */
import fs from 'node:fs';
import path from 'node:path';
import { goTool, type GoTool } from './goToolBuild';

const SERVER_MODULE = 'go.temporal.io/server';

const TEMPORAL_CLUSTER: GoTool = {
  title: 'the Temporal server',
  pins: 'temporalClusterServer',
  cacheName: 'temporal-server',
  module: SERVER_MODULE,
  binaries: { 'temporal-server': `${SERVER_MODULE}/cmd/server`, 'temporal-sql-tool': `${SERVER_MODULE}/cmd/tools/sql` },
  // Measured on a 2-core machine with empty caches: 228 s beside the UI server's build (a 160 MB binary).
  expected: 'about four minutes on two cores',
  timeoutMinutes: 40,
  afterBuild(dir, moduleSource) {
    fs.cpSync(path.join(moduleSource, 'schema', 'postgresql', 'v12'), path.join(dir, 'schema'), { recursive: true });
  },
};

export interface TemporalClusterBinaries {
  server: string;
  sqlTool: string;
  /** schema/postgresql/v12 of the server module: `temporal/versioned` and `visibility/versioned`. */
  schemaDir: string;
  version: string;
}

export async function temporalClusterBinaries(log: (line: string) => void = () => {}): Promise<TemporalClusterBinaries> {
  const built = await goTool(TEMPORAL_CLUSTER, log);
  return {
    server: built.paths['temporal-server']!,
    sqlTool: built.paths['temporal-sql-tool']!,
    schemaDir: path.join(built.dir, 'schema'),
    version: built.version,
  };
}
