/**
 * The standalone Temporal UI server (Go module github.com/temporalio/ui-server/v2, UI assets embedded), pinned in
 * infra/temporalUiServer/go.mod and go.sum and built once per machine into the tool cache (infra/goToolBuild.ts).
 * Unlike the dev server's built-in UI, it takes a codec setting that sends the API's login cookie
 * (`codec.includeCredentials`), so auditors need no browser setting.
 */
import { GoToolBuildError, goTool, type GoTool } from './goToolBuild';

export { GoToolBuildError as TemporalUiBuildError };

const TEMPORAL_UI_SERVER: GoTool = {
  title: 'the Temporal UI server',
  pins: 'temporalUiServer',
  cacheName: 'temporal-ui-server',
  module: 'github.com/temporalio/ui-server/v2',
  binaries: { 'temporal-ui-server': 'github.com/temporalio/ui-server/v2/cmd/server' },
  // A cold build fetches a toolchain and ~40 modules, then compiles.
  expected: 'about three minutes',
  timeoutMinutes: 15,
};

export interface TemporalUiServerBinary {
  path: string;
  /** The ui-server's version, as pinned in go.mod. */
  version: string;
}

/** The binary, built first when the cache lacks it. */
export async function temporalUiServer(log: (line: string) => void = () => {}): Promise<TemporalUiServerBinary> {
  const built = await goTool(TEMPORAL_UI_SERVER, log);
  return { path: built.paths['temporal-ui-server']!, version: built.version };
}
