/**
 * The first deploy needs no operator: a starting versioned worker makes its own version current when the
 * deployment has no current version yet (IMAGE_AGENT_DEPLOY_PROMOTE=if-unset). A deployment that has one is
 * left alone; its next version is ramped by `image-agent deploy`. The version exists only once this worker
 * has polled, so this waits for it; a Temporal outage is waited out until the worker stops.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { WorkflowService } from '@temporalio/client';
import type { WorkerDeploymentVersion } from '@temporalio/common';
import { describeDeployment, setCurrentVersion } from '../common/workerDeployments';

export type PromotionOutcome = 'promoted' | 'another-is-current' | 'stopped';

/** A call to an unreachable server may wait for a connection indefinitely: each attempt gets this long. */
const ATTEMPT_TIMEOUT_MS = 5_000;

async function withinAttempt<T>(call: Promise<T>): Promise<T> {
  const timer = new AbortController();
  try {
    return await Promise.race([
      call,
      sleep(ATTEMPT_TIMEOUT_MS, undefined, { signal: timer.signal }).then(() => {
        throw new Error(`no answer from Temporal within ${ATTEMPT_TIMEOUT_MS / 1000} s`);
      }),
    ]);
  } finally {
    timer.abort();
  }
}

export async function promoteFirstVersion(
  service: WorkflowService,
  namespace: string,
  version: WorkerDeploymentVersion,
  signal: AbortSignal,
  log: (line: string) => void = (line) => console.log(line),
): Promise<PromotionOutcome> {
  const target = { service, namespace, deploymentName: version.deploymentName, identity: `first-deploy:${version.buildId}` };
  const startedAt = Date.now();
  let delayMs = 250;
  while (!signal.aborted) {
    try {
      const routing = await withinAttempt(describeDeployment(target));
      if (routing?.current) {
        if (routing.current !== version.buildId)
          log(`deployment ${version.deploymentName}: ${routing.current} is current; ${version.buildId} takes runs once ramped`);
        return routing.current === version.buildId ? 'promoted' : 'another-is-current';
      }
      if (routing?.versions.some((v) => v.buildId === version.buildId)) {
        await withinAttempt(setCurrentVersion(target, version.buildId, routing.conflictToken));
        log(`deployment ${version.deploymentName}: ${version.buildId} is current (its first version)`);
        return 'promoted';
      }
    } catch (err) {
      // Unreachable, or another worker changed the routing first: look again.
      if (Date.now() - startedAt >= ATTEMPT_TIMEOUT_MS)
        log(`deployment ${version.deploymentName}: promoting ${version.buildId} waits: ${(err as Error).message}`);
    }
    await sleep(delayMs, undefined, { signal }).catch(() => undefined);
    delayMs = Math.min(delayMs * 2, 10_000);
  }
  return 'stopped';
}
