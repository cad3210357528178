/**
 * A deploy through Worker Deployments, under load: v1 serves runs waiting for review, a session mid-way and a
 * steady stream of new runs; v2 (a changed bundle, its change behind patched()) starts beside it, is ramped
 * 5% → 50% → 100%, then rolled back. No workflow task fails anywhere, waiting runs finish on v2 (auto-upgrade),
 * the pinned session moves at its next continue-as-new, and after the rollback new runs start on v1.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Connection, type WorkflowHandle } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import { reviewGeneration, startGeneration, type Generations } from '../client/generations';
import { submitTurn, turnResult } from '../client/sessionClient';
import { describeDeployment } from '../common/workerDeployments';
import { sessionWorkflowId } from '../common/sessionId';
import { statusQuery } from '../workflows/generate/generationMessages';
import { promoteFirstVersion } from '../workers/promoteFirstVersion';
import { bundleChangedWorkflows } from './support/changedWorkflows';
import { runCli } from './support/cli';
import { eventually } from './support/eventually';
import { TEST_BUNDLE_VERSIONED } from './support/paths';
import { startTestEnv, type TestEnv } from './support/testEnv';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

const PATCH_ID = 'versioned-deploy-pause-before-render';

/** The build that completed each workflow task of a history, in order. */
function buildsOf(events: HistoryEvent[]): string[] {
  return events.flatMap((e) => (e.workflowTaskCompletedEventAttributes ? [e.workflowTaskCompletedEventAttributes.deploymentVersion?.buildId ?? ''] : []));
}

describe('a deploy through Worker Deployments', () => {
  let v1: TestEnv | undefined;
  let v2: TestEnv | undefined;
  afterAll(async () => {
    await v2?.stop();
    await v1?.stop();
  });

  test('ramped to 100% and rolled back under load, with no failed workflow task', async () => {
    const deploymentName = `deploy-test-${randomUUID().slice(0, 8)}`;
    const taskQueue = `test-versioned-${randomUUID().slice(0, 8)}`;
    const env = { IMAGE_AGENT_WORKER_VERSIONING: 'true', IMAGE_AGENT_DEPLOYMENT_NAME: deploymentName };
    // Versioned workers run the versioned entry point: the workflows annotated with their versioning behavior.
    const v1Bundle = TEST_BUNDLE_VERSIONED;
    const v2Bundle = await bundleChangedWorkflows('versioned-v2', `  if (proofPatched('${PATCH_ID}')) await proofSleep(1);`, 'versioned');

    v1 = await startTestEnv({ name: 'versioned', taskQueue, env, workflowBundlePath: v1Bundle });
    const target = { service: v1.client.workflowService, namespace: v1.config.temporal.namespace, deploymentName, identity: 'deploy-test' };
    // The first version promotes itself: the deployment had no current version.
    const v1Build = await eventually(async () => {
      const current = (await describeDeployment(target))?.current;
      if (!current) throw new Error('no current version yet');
      return current;
    }, 30_000);

    const g: Generations = { client: v1.client, config: v1.config, store: v1.store };
    const start = (request: string, review: boolean) =>
      startGeneration(
        g,
        {
          request,
          tenantId: 'deploy-proof',
          userId: 'deployer',
          options: { size: '256x256' },
          ...(review ? { review: { required: true, onTimeout: 'expire' } } : {}),
        },
        `versioned-${randomUUID()}`,
      ).then((s) => v1!.client.workflow.getHandle(s.workflowId));
    const waitingKey = (handle: WorkflowHandle) =>
      eventually(async () => {
        const s = await handle.query(statusQuery);
        if (s.pendingReview?.kind !== 'result') throw new Error(`stage ${s.stage}`);
        return s.pendingReview.candidateKey!;
      }, 60_000);

    // The load: runs waiting for a reviewer, a session with one turn done, and new runs while the ramp goes on.
    const waiting = await Promise.all(['a lighthouse poster', 'a harbour at dusk', 'a paper boat'].map((r) => start(r, true)));
    const keys = await Promise.all(waiting.map(waitingKey));
    const conversation = { tenantId: 'deploy-proof', userId: 'talker', sessionId: randomUUID().slice(0, 8), options: { size: '256x256' } };
    await turnResult(v1.client, await submitTurn(v1.client, v1.config, conversation, { request: 'a fox logo' }));
    const sessionHandle = v1.client.workflow.getHandle(
      sessionWorkflowId(v1.config.ids.key, conversation.tenantId, conversation.userId, conversation.sessionId),
    );
    const sessionRunBefore = (await sessionHandle.describe()).runId;
    const steady: WorkflowHandle[] = [];
    let loading = true;
    const load = (async () => {
      for (let i = 0; loading; i++) {
        steady.push(await start(`steady run ${i}`, false));
        await sleep(400);
      }
    })();

    v2 = await startTestEnv({ name: 'versioned', taskQueue, env, workflowBundlePath: v2Bundle });
    const v2Build = await eventually(async () => {
      const routing = await describeDeployment(target);
      const other = routing?.versions.find((v) => v.buildId !== v1Build)?.buildId;
      if (!other) throw new Error('v2 has not polled yet');
      return other;
    }, 30_000);
    // v2's worker found a current version and left it alone.
    expect((await describeDeployment(target))?.current).toBe(v1Build);

    // The operator's commands, as a person runs them.
    const cliEnv = { IMAGE_AGENT_DEPLOYMENT_NAME: deploymentName };
    const refusedBuild = await runCli(['deploy', 'ramp', 'no-such-build', '5'], cliEnv);
    expect(refusedBuild.code).not.toBe(0);
    expect(refusedBuild.stderr).toContain(`build no-such-build has not polled deployment ${deploymentName}`);
    const refusedShare = await runCli(['deploy', 'ramp', v2Build, '150'], cliEnv);
    expect(refusedShare.code).not.toBe(0);
    expect(refusedShare.stderr).toContain('a percentage from 0 to 100');
    for (const percent of [5, 50]) {
      const ramped = await runCli(['deploy', 'ramp', v2Build, String(percent)], cliEnv);
      expect(ramped.stdout).toContain(`current ${v1Build}, ramping ${v2Build} at ${percent}%`);
      expect((await describeDeployment(target))?.ramping).toEqual({ buildId: v2Build, percent });
      await sleep(2_000);
    }
    const promoted = await runCli(['deploy', 'promote', v2Build], cliEnv);
    expect(promoted.stdout).toContain(`deployment ${deploymentName}: current ${v2Build}`);
    const routed = await describeDeployment(target);
    expect(routed?.current).toBe(v2Build);
    expect(routed?.ramping).toBeUndefined();

    // Waiting runs are decided after the promotion: they finish on v2, replaying v1's start behind patched().
    await Promise.all(
      waiting.map((h, i) => reviewGeneration(g, h.workflowId, { decision: 'approve', candidateKey: keys[i]!, reviewer: 'rev-1' }, `approve-${i}`)),
    );
    for (const h of waiting) {
      expect((await h.result()).outcome).toBe('completed');
      const builds = buildsOf((await h.fetchHistory()).events ?? []);
      expect(builds[0]).toBe(v1Build);
      expect(builds.at(-1)).toBe(v2Build);
    }

    // The pinned session is still on v1; its next turn makes it continue as new onto v2.
    expect((await sessionHandle.describe()).raw.workflowExecutionInfo?.versioningInfo?.deploymentVersion?.buildId).toBe(v1Build);
    await turnResult(v1.client, await submitTurn(v1.client, v1.config, conversation, { request: 'the fox logo on a mug' }));
    const movedSession = await sessionHandle.describe();
    expect(movedSession.runId).not.toBe(sessionRunBefore);
    expect(movedSession.raw.workflowExecutionInfo?.versioningInfo?.deploymentVersion?.buildId).toBe(v2Build);

    loading = false;
    await load;
    await Promise.all(steady.map((h) => h.result()));
    const steadyBuilds = await Promise.all(steady.map(async (h) => buildsOf((await h.fetchHistory()).events ?? [])[0]));
    expect(new Set(steadyBuilds)).toEqual(new Set([v1Build, v2Build]));

    // The rollback: new runs start on v1 again, within 5 s of the routing change (server times).
    expect((await runCli(['deploy', 'promote', v1Build], cliEnv)).code).toBe(0);
    const rolledBackAt = Date.now();
    const after = await start('after the rollback', false);
    await after.result();
    const afterEvents = (await after.fetchHistory()).events ?? [];
    expect(buildsOf(afterEvents)[0]).toBe(v1Build);
    const firstTask = afterEvents.find((e) => e.workflowTaskCompletedEventAttributes)!;
    expect(Number(firstTask.eventTime!.seconds) * 1000 - rolledBackAt).toBeLessThan(5_000);

    // No workflow task failed in any history on the queue: runs, their children, both session runs.
    const failed: string[] = [];
    let histories = 0;
    for await (const w of v1.client.workflow.list({ query: `TaskQueue = '${taskQueue}'` })) {
      const events = (await v1.client.workflow.getHandle(w.workflowId, w.runId).fetchHistory()).events ?? [];
      histories += 1;
      if (events.some((e) => e.workflowTaskFailedEventAttributes)) failed.push(`${w.workflowId}/${w.runId}`);
    }
    expect(histories).toBeGreaterThanOrEqual(waiting.length + steady.length + 2);
    expect(failed).toEqual([]);
  });

  test('a first promotion that cannot reach Temporal keeps trying, says so, and ends when the worker stops', async () => {
    // A server that takes connections and never answers: Temporal unreachable behind a partition.
    const held: Socket[] = [];
    const blackHole = createServer((socket) => held.push(socket));
    await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', resolve));
    // No client-side retries (the default interceptor): the loop under test does its own, and a retry timer would outlive close().
    const connection = Connection.lazy({ address: `127.0.0.1:${(blackHole.address() as AddressInfo).port}`, interceptors: [] });
    const lines: string[] = [];
    const stop = new AbortController();
    const promotion = promoteFirstVersion(connection.workflowService, 'default', { deploymentName: 'unreachable', buildId: 'b1' }, stop.signal, (l) =>
      lines.push(l),
    );
    await eventually(async () => expect(lines.some((l) => l.includes('promoting b1 waits'))).toBe(true), 30_000);
    stop.abort();
    await expect(promotion).resolves.toBe('stopped');
    await connection.close();
    for (const socket of held) socket.destroy();
    await new Promise((resolve) => blackHole.close(resolve));
  });
});
