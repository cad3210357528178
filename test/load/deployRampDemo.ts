/**
 * `npm run deploy:ramp`: a rollout through Worker Deployments, shown on the local stack (offline models). v1
 * workers serve runs and a session; v2 (a changed bundle, its change behind patched()) starts beside them and
 * takes 5%, then 50%, then all new runs; v1 drains once its pinned session has moved on; then the deploy is
 * rolled back to v1. Each step prints the routing and which build served that step's runs. The same steps on a
 * real deployment are `image-agent deploy ramp|promote|status` (docs/operations.md, "Deploys").
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Command } from 'commander';
import { startGeneration } from '../../client/generations';
import { submitTurn, turnResult } from '../../client/sessionClient';
import { describeDeployment, describeRouting, setCurrentVersion, setRampingVersion } from '../../common/workerDeployments';
import { VERSIONED_WORKFLOWS, writeWorkflowBundle } from '../../workers/workflowBundle';
import { bundleChangedWorkflows } from '../support/changedWorkflows';
import { TEST_BUNDLE } from '../support/paths';
import { startTestEnv, type TestEnv } from '../support/testEnv';

async function main(): Promise<void> {
  const { runs } = new Command('deploy:ramp')
    .option('--runs <n>', 'new runs started at each step', (v) => Number.parseInt(v, 10), 20)
    .parse()
    .opts<{ runs: number }>();
  if (!(runs >= 1 && runs <= 500)) throw new Error('--runs takes 1 to 500');
  const deploymentName = `ramp-demo-${randomUUID().slice(0, 6)}`;
  const taskQueue = `${deploymentName}-queue`;
  const env = { IMAGE_AGENT_WORKER_VERSIONING: 'true', IMAGE_AGENT_DEPLOYMENT_NAME: deploymentName };
  const v1Bundle = path.join(path.dirname(TEST_BUNDLE), 'workflow-bundle-versioned.js');
  const [, v2Bundle] = await Promise.all([
    writeWorkflowBundle(v1Bundle, VERSIONED_WORKFLOWS),
    bundleChangedWorkflows('ramp-demo-v2', "  if (proofPatched('ramp-demo-pause-before-render')) await proofSleep(1);", 'versioned'),
  ]);
  const envs: TestEnv[] = [];
  try {
    const v1 = await startTestEnv({ name: 'ramp-demo', taskQueue, env, workflowBundlePath: v1Bundle });
    envs.push(v1);
    const target = { service: v1.client.workflowService, namespace: v1.config.temporal.namespace, deploymentName, identity: 'deploy:ramp' };
    const routing = async () => (await describeDeployment(target))!;
    const step = async (title: string) => {
      console.log(`\n== ${title}`);
      for (const line of describeRouting(await routing())) console.log(line);
    };
    /** Starts `runs` runs, waits for them, and counts the build that took each one's first workflow task. */
    const serve = async () => {
      const handles = await Promise.all(
        Array.from({ length: runs }, (_, i) =>
          startGeneration(v1, { request: `a ramp demo poster ${i}`, tenantId: 'ramp-demo', userId: 'ops', options: { size: '256x256' } }).then((s) =>
            v1.client.workflow.getHandle(s.workflowId),
          ),
        ),
      );
      const served = new Map<string, number>();
      for (const h of handles) {
        await h.result();
        const first = (await h.fetchHistory()).events?.find((e) => e.workflowTaskCompletedEventAttributes);
        const build = first?.workflowTaskCompletedEventAttributes?.deploymentVersion?.buildId ?? '(unversioned)';
        served.set(build, (served.get(build) ?? 0) + 1);
      }
      console.log(`  ${runs} new runs served by: ${[...served].map(([b, n]) => `${b} × ${n}`).join(', ')}`);
    };

    while (!(await describeDeployment(target))?.current) await sleep(250);
    const v1Build = (await routing()).current!;
    const conversation = { tenantId: 'ramp-demo', userId: 'ops', sessionId: randomUUID().slice(0, 8), options: { size: '256x256' } };
    await turnResult(v1.client, await submitTurn(v1.client, v1.config, conversation, { request: 'a fox logo' }));
    await step(`v1 (${v1Build}) started: the deployment's first version promoted itself; a session is pinned to it`);
    await serve();

    envs.push(await startTestEnv({ name: 'ramp-demo', taskQueue, env, workflowBundlePath: v2Bundle }));
    let v2Build: string | undefined;
    while (!(v2Build = (await routing()).versions.find((v) => v.buildId !== v1Build)?.buildId)) await sleep(250);
    await step(`v2 (${v2Build}) started beside v1: it polls, and takes nothing yet`);

    for (const percent of [5, 50]) {
      await setRampingVersion(target, v2Build, percent);
      await step(`ramp v2 to ${percent}% (image-agent deploy ramp ${v2Build} ${percent})`);
      await serve();
    }
    await setCurrentVersion(target, v2Build);
    await step(`promote v2 (image-agent deploy promote ${v2Build}): v1 drains while its pinned session still needs it`);
    await serve();

    await turnResult(v1.client, await submitTurn(v1.client, v1.config, conversation, { request: 'the fox logo on a mug' }));
    const drainedBy = Date.now() + 60_000;
    while ((await routing()).versions.find((v) => v.buildId === v1Build)?.drainage !== 'DRAINED' && Date.now() < drainedBy) await sleep(1_000);
    await step('the session took its next turn and continued as new onto v2: v1 has nothing left to serve');

    await setCurrentVersion(target, v1Build);
    await step(`roll back (image-agent deploy promote ${v1Build}): new runs go to v1 again`);
    await serve();
  } finally {
    for (const e of envs.reverse()) await e.stop();
  }
}

main().catch((err: unknown) => {
  console.error(`deploy:ramp: ${(err as Error).message}`);
  process.exit(1);
});
