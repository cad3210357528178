/** `image-agent deploy`: a new build's rollout through Worker Deployments (docs/operations.md, "Deploys"). */
import os from 'node:os';
import { InvalidArgumentError, type Command } from 'commander';
import type { Generations } from '../generations';
import { UsageError } from '../usageError';
import { describeDeployment, describeRouting, setCurrentVersion, setRampingVersion, type DeploymentRouting } from '../../common/workerDeployments';
import { printJson, withGenerations } from './context';

const percentArgument = (v: string): number => {
  const n = Number(v);
  if (!/^\d+(\.\d+)?$/.test(v) || n > 100) throw new InvalidArgumentError('a percentage from 0 to 100');
  return n;
};

function targetOf(g: Generations) {
  return {
    service: g.client.workflowService,
    namespace: g.config.temporal.namespace,
    deploymentName: g.config.temporal.deployment.name,
    identity: `image-agent deploy (${os.userInfo().username}@${os.hostname()})`,
  };
}

/** The routing, refusing a build that has never polled: routing runs to it would leave them waiting for nobody. */
async function routingWith(g: Generations, buildId?: string): Promise<DeploymentRouting> {
  const routing = await describeDeployment(targetOf(g));
  const name = g.config.temporal.deployment.name;
  if (!routing) throw new UsageError(`deployment ${name} has no versions: start a worker with IMAGE_AGENT_WORKER_VERSIONING=true first`);
  if (buildId && !routing.versions.some((v) => v.buildId === buildId)) {
    throw new UsageError(`build ${buildId} has not polled deployment ${name} (its versions: ${routing.versions.map((v) => v.buildId).join(', ')})`);
  }
  return routing;
}

export function registerDeploy(program: Command): void {
  const deploy = program.command('deploy').description('roll a new build out to the orchestration workers through Worker Deployments');
  deploy
    .command('status')
    .description('which build takes new runs, which is ramping, and which still serve pinned runs')
    .option('--json', 'print JSON')
    .action(async (flags: { json?: boolean }) => {
      const routing = await withGenerations((g) => routingWith(g));
      if (flags.json) return printJson({ ...routing, conflictToken: undefined });
      for (const line of describeRouting(routing)) console.log(line);
    });
  deploy
    .command('ramp')
    .description('send a share of new runs to a build (0 ends the ramp); auto-upgrading runs follow the same share')
    .argument('<buildId>', 'the build, as `deploy status` lists it')
    .argument('<percent>', 'the share of new runs, 0 to 100', percentArgument)
    .action(async (buildId: string, percent: number) => {
      const routing = await withGenerations(async (g) => {
        await routingWith(g, buildId);
        await setRampingVersion(targetOf(g), percent === 0 ? undefined : buildId, percent);
        return routingWith(g);
      });
      for (const line of describeRouting(routing)) console.log(line);
    });
  deploy
    .command('promote')
    .description('make a build current: new runs, and auto-upgrading runs at their next task, go to it (also a rollback)')
    .argument('<buildId>', 'the build, as `deploy status` lists it')
    .action(async (buildId: string) => {
      const routing = await withGenerations(async (g) => {
        const before = await routingWith(g, buildId);
        await setCurrentVersion(targetOf(g), buildId, before.conflictToken);
        return routingWith(g);
      });
      for (const line of describeRouting(routing)) console.log(line);
    });
}
