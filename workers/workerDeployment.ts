/**
 * The version each worker reports, and whether it polls as a versioned worker of a Worker Deployment.
 *
 * Temporal writes the version into every workflow-task and activity-task event of every history, so its length
 * is paid some 70 times per run: the SDK's default ("@temporalio/worker@1.24.0+<sha256 of the bundle>", 92
 * bytes) cost about 5 KB of a 64 KB budget. The first 12 hex digits of the same bundle hash identify the code
 * as well, unless the deploy names its own build id (IMAGE_AGENT_BUILD_ID).
 *
 * With versioning on (docs/operations.md, "Deploys"), runs are routed by version: a run auto-upgrades to the
 * current version at its next workflow task unless its workflow is annotated as pinned (sessions and batches,
 * which move at their next continue-as-new). The GPU worker stays unversioned: it runs no workflow code, and a
 * render's input is kept compatible across builds instead.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { WorkerDeploymentVersion } from '@temporalio/common';
import type { WorkerOptions } from '@temporalio/worker';
import type { AppConfig } from '../common/config';
import { projectRoot } from '../common/paths';

type DeploymentOptions = NonNullable<WorkerOptions['workerDeploymentOptions']>;

/** The version of an orchestration worker running `source`; undefined (the SDK's default) when it bundles at start and names no build id. */
function orchestrationVersion(
  config: Pick<AppConfig, 'temporal'>,
  source: Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'>,
): WorkerDeploymentVersion | undefined {
  const { name, buildId } = config.temporal.deployment;
  if (buildId) return { deploymentName: name, buildId };
  const bundle = source.workflowBundle;
  if (!bundle || !('codePath' in bundle)) return undefined;
  const hash = createHash('sha256').update(fs.readFileSync(bundle.codePath)).digest('hex').slice(0, 12);
  return { deploymentName: name, buildId: hash };
}

/**
 * The orchestration worker's deployment options. Runs default to auto-upgrade: a run waiting days for a
 * reviewer moves to the new build, which replays it behind patched().
 */
export function orchestrationDeployment(
  config: Pick<AppConfig, 'temporal'>,
  source: Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'>,
): DeploymentOptions | undefined {
  const version = orchestrationVersion(config, source);
  if (!config.temporal.deployment.versioning) return version ? { version, useWorkerVersioning: false } : undefined;
  if (!version) throw new Error('worker versioning needs a prebuilt workflow bundle or IMAGE_AGENT_BUILD_ID: a bundle built at start has no stable build id');
  return { version, useWorkerVersioning: true, defaultVersioningBehavior: 'AUTO_UPGRADE' };
}

/** The GPU worker runs no workflow code: its version is the package's, and it is never versioned. */
export function gpuDeployment(config: Pick<AppConfig, 'temporal'>): DeploymentOptions {
  const { version } = JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { version: string };
  return { version: { deploymentName: `${config.temporal.deployment.name}-gpu`, buildId: version }, useWorkerVersioning: false };
}
