/**
 * Before the suite: the real local stack (Temporal dev server, SeaweedFS, PGlite) is started once,
 * idempotently, and the workflows are bundled once for every test worker. What was not already running
 * is remembered, so that globalTeardown stops only what the suite itself started.
 */
import { redactUrl } from '../common/config';
import { loadConfig } from '../config/loadConfig';
import { infrastructure, stackUp } from '../infra/stack';
import { VERSIONED_WORKFLOWS, writeWorkflowBundle } from '../workers/workflowBundle';
import { TEST_BUNDLE, TEST_BUNDLE_VERSIONED } from './support/paths';
import { databaseTargets } from './support/databases';

declare global {
  // Shared with globalTeardown (Jest runs both in its parent process).
  var imageAgentStartedBySuite: string[] | undefined;
}

export default async function globalSetup(): Promise<void> {
  const started = Date.now();
  const config = loadConfig();
  // The real-server run is part of the suite: leaving it out has to be asked for, never happen quietly.
  if (!process.env.TEST_REAL_DATABASE_URL && process.env.IMAGE_AGENT_TEST_EMBEDDED_ONLY !== '1') {
    throw new Error(
      'TEST_REAL_DATABASE_URL is not set, so the real-Postgres tests cannot run. Run the suite with `make test` (it starts one), ' +
        'or set IMAGE_AGENT_TEST_EMBEDDED_ONLY=1 to run against the embedded PGlite only.',
    );
  }
  const before = await Promise.all(infrastructure(config).map(async (s) => ({ name: s.name, managed: s.managed, up: await s.healthy().catch(() => false) })));
  await stackUp(config, { workers: false, log: (line) => process.stdout.write(`  ${line}\n`) });
  globalThis.imageAgentStartedBySuite = before.filter((s) => s.managed && !s.up).map((s) => s.name);
  // Both bundles once, here: bundling inside a test file costs each of them seconds and the test process memory.
  await writeWorkflowBundle(TEST_BUNDLE);
  await writeWorkflowBundle(TEST_BUNDLE_VERSIONED, VERSIONED_WORKFLOWS);
  process.stdout.write(
    `  database targets: ${databaseTargets()
      .map(([name, url]) => `${name} (${redactUrl(url)})`)
      .join(', ')}\n`,
  );
  process.stdout.write(`  stack ready and workflows bundled in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}
