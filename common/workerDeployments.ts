/**
 * Worker Deployments, read and routed (docs/operations.md, "Deploys"): which build takes new runs (current),
 * which takes a share of them (ramping), and which still serve pinned runs. Changes carry the deployment's
 * conflict token, so two operators (or two starting workers) never overwrite each other's routing unseen.
 */
import { isGrpcServiceError, type WorkflowService } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

const GRPC_NOT_FOUND = 5;

export interface DeploymentVersionSummary {
  buildId: string;
  /** INACTIVE, CURRENT, RAMPING, DRAINING or DRAINED. */
  status: string;
  /** DRAINING while pinned runs still need this build, DRAINED once none do. */
  drainage: string | undefined;
}

export interface DeploymentRouting {
  name: string;
  current: string | undefined;
  ramping: { buildId: string; percent: number } | undefined;
  versions: DeploymentVersionSummary[];
  conflictToken: Uint8Array;
}

interface DeploymentTarget {
  service: WorkflowService;
  namespace: string;
  deploymentName: string;
  identity: string;
}

function enumName(values: Record<string, unknown>, value: number | null | undefined, prefix: string): string | undefined {
  const name = Object.entries(values).find(([, v]) => v === value)?.[0];
  return name && !name.endsWith('_UNSPECIFIED') ? name.slice(prefix.length) : undefined;
}

/** The deployment's routing, or undefined when no versioned worker of it has polled yet. */
export async function describeDeployment(target: Omit<DeploymentTarget, 'identity'>): Promise<DeploymentRouting | undefined> {
  try {
    const res = await target.service.describeWorkerDeployment({ namespace: target.namespace, deploymentName: target.deploymentName });
    const info = res.workerDeploymentInfo;
    const routing = info?.routingConfig;
    const enums = temporal.api.enums.v1;
    return {
      name: target.deploymentName,
      current: routing?.currentDeploymentVersion?.buildId || undefined,
      ramping: routing?.rampingDeploymentVersion?.buildId
        ? { buildId: routing.rampingDeploymentVersion.buildId, percent: routing.rampingVersionPercentage ?? 0 }
        : undefined,
      versions: (info?.versionSummaries ?? []).map((v) => ({
        buildId: v.deploymentVersion?.buildId ?? '',
        status: enumName(enums.WorkerDeploymentVersionStatus, v.status, 'WORKER_DEPLOYMENT_VERSION_STATUS_') ?? 'UNKNOWN',
        drainage: enumName(enums.VersionDrainageStatus, v.drainageStatus, 'VERSION_DRAINAGE_STATUS_'),
      })),
      conflictToken: res.conflictToken,
    };
  } catch (err) {
    if (isGrpcServiceError(err) && err.code === GRPC_NOT_FOUND) return undefined;
    throw err;
  }
}

/** Makes `buildId` current: every new run, and every auto-upgrade run at its next workflow task, goes to it. */
export async function setCurrentVersion(target: DeploymentTarget, buildId: string, conflictToken?: Uint8Array): Promise<void> {
  await target.service.setWorkerDeploymentCurrentVersion({
    namespace: target.namespace,
    deploymentName: target.deploymentName,
    buildId,
    identity: target.identity,
    ...(conflictToken ? { conflictToken } : {}),
  });
}

/** Sends `percent` of new runs (by workflow id) to `buildId`; 0 with no build id ends the ramp. */
export async function setRampingVersion(target: DeploymentTarget, buildId: string | undefined, percent: number): Promise<void> {
  if (!(percent >= 0 && percent <= 100)) throw new RangeError(`a ramp is 0 to 100 percent, not ${percent}`);
  await target.service.setWorkerDeploymentRampingVersion({
    namespace: target.namespace,
    deploymentName: target.deploymentName,
    buildId: buildId ?? '',
    percentage: buildId ? percent : 0,
    identity: target.identity,
  });
}

/** The routing as lines for a terminal: current and ramping builds, then each version's status. */
export function describeRouting(r: DeploymentRouting): string[] {
  return [
    `deployment ${r.name}: current ${r.current ?? '(none: unversioned workers take new runs)'}${r.ramping ? `, ramping ${r.ramping.buildId} at ${r.ramping.percent}%` : ''}`,
    ...r.versions.map((v) => `  ${v.buildId}  ${v.status.toLowerCase()}${v.drainage && v.drainage !== v.status ? ` (${v.drainage.toLowerCase()})` : ''}`),
  ];
}
