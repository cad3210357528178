/**
 * Before the suite: the real local stack (Temporal dev server, SeaweedFS, PGlite) is started once,
 * idempotently, and the workflows are bundled once for every test worker.
 */
import { loadConfig } from '../common/config';
import { stackUp } from '../infra/stack';
import { writeWorkflowBundle } from '../workers/workflowBundle';
import { TEST_BUNDLE } from './support/paths';

export default async function globalSetup(): Promise<void> {
  const started = Date.now();
  await stackUp(loadConfig(), { workers: false, log: (line) => process.stdout.write(`  ${line}\n`) });
  await writeWorkflowBundle(TEST_BUNDLE);
  process.stdout.write(`  stack ready and workflows bundled in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}
