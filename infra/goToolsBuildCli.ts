/**
 * `node dist/infra/goToolsBuildCli.js`: builds the Go programs the local stack runs (the Temporal UI server, and the
 * Temporal server with its SQL tool for cluster mode) into the tool cache when this machine lacks them, one after
 * the other (each build takes both cores), and prints their paths. CI's setup (infra/ci/test.sh); a failed build
 * is one line and exit 1.
 */
import { GoToolBuildError } from './goToolBuild';
import { temporalClusterBinaries } from './temporalClusterBuild';
import { temporalUiServer } from './temporalUiBuild';

const log = (line: string): void => console.log(line);

async function main(): Promise<void> {
  console.log((await temporalUiServer(log)).path);
  console.log((await temporalClusterBinaries(log)).server);
}

main().catch((err: unknown) => {
  console.error(err instanceof GoToolBuildError ? err.message : `building the stack's Go programs failed: ${(err as Error).message}`);
  process.exit(1);
});
