/**
 * `node dist/infra/temporalUiBuildCli.js`: builds the pinned Temporal UI server into the tool cache when this
 * machine lacks it (CI's setup, infra/ci/test.sh) and prints its path; a failed build is one line and exit 1.
 */
import { TemporalUiBuildError, temporalUiServer } from './temporalUiBuild';

temporalUiServer((line) => console.log(line)).then(
  (binary) => console.log(binary.path),
  (err: unknown) => {
    console.error(err instanceof TemporalUiBuildError ? err.message : `building the Temporal UI server failed: ${(err as Error).message}`);
    process.exit(1);
  },
);
