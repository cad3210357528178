/**
 * The versioning policy, proven: a run waits for a reviewer on the current code; a deploy changes the
 * workflow before the review gate; the worker restarts on the new bundle; the waiting run is approved and
 * completes. The change is guarded with patched() as the README's policy says, and the same change
 * without the guard is shown to break the waiting run's replay.
 */
import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import { DeterminismViolationError } from '@temporalio/workflow';
import { Worker } from '@temporalio/worker';
import type { GenerateImageResult } from '../common/runResult';
import { reviewGeneration, startGeneration } from '../client/generations';
import { createEncryption } from '../security/dataConverter';
import { statusQuery } from '../workflows/generate/generationMessages';
import { bundleChangedWorkflows } from './support/changedWorkflows';
import { eventually } from './support/eventually';
import { startTestEnv, type TestEnv } from './support/testEnv';

const PATCH_ID = 'deploy-proof-pause-before-render';

describe('a deploy while a run waits for its reviewer', () => {
  let before: TestEnv | undefined;
  let after: TestEnv | undefined;
  afterAll(async () => {
    await before?.stop();
    await after?.stop();
  });

  async function waitingKey(handle: WorkflowHandle): Promise<string> {
    return eventually(async () => {
      const s = await handle.query(statusQuery);
      if (s.pendingReview?.kind !== 'result') throw new Error(`stage ${s.stage}`);
      return s.pendingReview.candidateKey!;
    }, 60_000);
  }

  test('the patched change keeps the waiting run; the unguarded change would break it', async () => {
    const [patchedBundle, unguardedBundle] = await Promise.all([
      bundleChangedWorkflows('patched', `  if (proofPatched('${PATCH_ID}')) await proofSleep(1);`),
      bundleChangedWorkflows('unguarded', '  await proofSleep(1);'),
    ]);

    before = await startTestEnv({ name: 'deploy' });
    const g = { client: before.client, config: before.config, store: before.store };
    const start = (request: string) =>
      startGeneration(
        g,
        { request, tenantId: 'deploy-proof', userId: 'deployer', options: { size: '256x256' }, review: { required: true, onTimeout: 'expire' } },
        `deploy-${randomUUID()}`,
      );
    const waiting = before.client.workflow.getHandle((await start('a lighthouse poster')).workflowId);
    const key = await waitingKey(waiting);
    const recorded = await waiting.fetchHistory();
    // Histories are encrypted: the replayer decodes them with the workers' data converter.
    const { dataConverter, close } = createEncryption(before.config);

    // The unguarded change cannot replay the waiting run: the replay test would fail CI with this error.
    const unguarded = await Worker.runReplayHistory({ workflowBundle: { codePath: unguardedBundle }, dataConverter }, recorded, waiting.workflowId).catch(
      (e: unknown) => e,
    );
    expect(unguarded).toBeInstanceOf(DeterminismViolationError);
    await expect(
      Worker.runReplayHistory({ workflowBundle: { codePath: patchedBundle }, dataConverter }, recorded, waiting.workflowId),
    ).resolves.toBeUndefined();
    close();

    // The deploy: old workers stop, new ones on the changed bundle take the same queue.
    const taskQueue = before.taskQueue;
    await before.stop();
    before = undefined;
    after = await startTestEnv({ name: 'deploy', taskQueue, workflowBundlePath: patchedBundle });

    // A decision signed as the API signs them (the run was started with the review public key).
    await reviewGeneration(
      { client: after.client, config: after.config, store: after.store },
      waiting.workflowId,
      { decision: 'approve', candidateKey: key, reviewer: 'rev-1' },
      'approve-1',
    );
    const result: GenerateImageResult = await after.client.workflow.getHandle(waiting.workflowId).result();
    expect(result.outcome).toBe('completed');
    expect(result.approval).toBe('approved');
    // This change's markers only: the workflow code has patches of its own (workflows/patches.ts).
    const decoder = createEncryption(after.config);
    const markers = async (workflowId: string) => {
      const events = (await after!.client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
      const ids = [];
      for (const e of events.filter((ev) => ev.markerRecordedEventAttributes?.markerName === 'core_patch')) {
        const [data] = await decoder.decode((e.markerRecordedEventAttributes!.details?.['patch-data']?.payloads ?? []) as Payload[]);
        const { id } = JSON.parse(Buffer.from(data?.data ?? new Uint8Array()).toString('utf8')) as { id: string };
        if (id === PATCH_ID) ids.push(id);
      }
      return ids;
    };
    // The run that started on the old code kept the old path to its end...
    expect(await markers(waiting.workflowId)).toHaveLength(0);

    // ...while a run that starts on the new code takes the new one.
    const fresh = after.client.workflow.getHandle(
      (
        await startGeneration(
          { client: after.client, config: after.config, store: after.store },
          {
            request: 'a harbour at night',
            tenantId: 'deploy-proof',
            userId: 'deployer',
            options: { size: '256x256' },
            review: { required: true, onTimeout: 'expire' },
          },
          `deploy-${randomUUID()}`,
        )
      ).workflowId,
    );
    await waitingKey(fresh);
    expect(await markers(fresh.workflowId)).toHaveLength(1);
    decoder.close();
    // Cancelled and finished before the workers stop, so no run is left waiting on a queue nobody polls.
    await fresh.cancel();
    await fresh.result().catch(() => undefined);
  });
});
