/**
 * The version each worker reports. Temporal writes it into every workflow-task and activity-task event of
 * every history, so its length is paid some 70 times per run: the SDK's default
 * ("@temporalio/worker@1.24.0+<sha256 of the bundle>", 92 bytes) cost about 5 KB of a 64 KB budget. The
 * first 12 hex digits of the same bundle hash identify the code as well. Worker versioning stays off
 * (docs/operations.md, "Deploys and workflow versioning": patched() is the policy).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { WorkerOptions } from '@temporalio/worker';
import { projectRoot } from '../common/paths';

const DEPLOYMENT = 'image-agent';

/** For a worker running a prebuilt bundle; undefined (the SDK's default) when it bundles at start. */
export function orchestrationDeployment(source: Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'>): WorkerOptions['workerDeploymentOptions'] {
  const bundle = source.workflowBundle;
  if (!bundle || !('codePath' in bundle)) return undefined;
  const hash = createHash('sha256').update(fs.readFileSync(bundle.codePath)).digest('hex').slice(0, 12);
  return { version: { deploymentName: DEPLOYMENT, buildId: hash }, useWorkerVersioning: false };
}

/** The GPU worker runs no workflow code: its version is the package's. */
export function gpuDeployment(): WorkerOptions['workerDeploymentOptions'] {
  const { version } = JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { version: string };
  return { version: { deploymentName: `${DEPLOYMENT}-gpu`, buildId: version }, useWorkerVersioning: false };
}
