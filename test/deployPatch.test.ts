/**
 * The versioning policy, proven: a run waits for a reviewer on the current code; a deploy changes the
 * workflow before the review gate; the worker restarts on the new bundle; the waiting run is approved and
 * completes. The change is guarded with patched() as the README's policy says, and the same change
 * without the guard is shown to break the waiting run's replay.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import { DeterminismViolationError } from '@temporalio/workflow';
import { Worker } from '@temporalio/worker';
import { projectRoot } from '../common/paths';
import type { GenerateImageResult } from '../common/runResult';
import { reviewGeneration, startGeneration } from '../client/generations';
import { createEncryption } from '../security/dataConverter';
import { writeWorkflowBundle } from '../workers/workflowBundle';
import type * as renderStage from '../workflows/generate/loop/renderImages';
import { statusQuery } from '../workflows/generate/generationMessages';
import { eventually } from './support/eventually';
import { startTestEnv, type TestEnv } from './support/testEnv';

const PATCH_ID = 'deploy-proof-pause-before-render';
/** The stage the proof changes; importing it here makes a rename or a move a compile error, not a silent no-op. */
const STAGE = { file: path.join('generate', 'loop', 'renderImages.ts'), name: 'renderImages' } as const satisfies {
  file: string;
  name: keyof typeof renderStage;
};

/**
 * A copy of workflows/ where the render stage runs `change` first, bundled. The stage's module is wrapped,
 * not edited: its original is kept beside it and the wrapper re-exports everything else, so the proof does
 * not depend on how any workflow file is written. It sits inside the project so that its imports of
 * ../common and of node_modules resolve as the real folder's do.
 */
async function bundleChangedWorkflows(name: string, change: string): Promise<string> {
  const root = path.join(projectRoot, '.stack', 'test', 'deploy-proof', name);
  fs.rmSync(root, { recursive: true, force: true });
  fs.mkdirSync(root, { recursive: true });
  fs.cpSync(path.join(projectRoot, 'workflows'), path.join(root, 'workflows'), { recursive: true });
  fs.symlinkSync(path.join(projectRoot, 'common'), path.join(root, 'common'));
  const file = path.join(root, 'workflows', STAGE.file);
  const original = `${path.basename(file, '.ts')}Original`;
  fs.renameSync(file, path.join(path.dirname(file), `${original}.ts`));
  fs.writeFileSync(
    file,
    [
      "import { patched as proofPatched, sleep as proofSleep } from '@temporalio/workflow';",
      `import * as stage from './${original}';`,
      `export * from './${original}';`,
      `export async function ${STAGE.name}(...args: Parameters<typeof stage.${STAGE.name}>): ReturnType<typeof stage.${STAGE.name}> {`,
      change,
      `  return stage.${STAGE.name}(...args);`,
      '}',
      '',
    ].join('\n'),
  );
  const bundle = path.join(root, 'workflow-bundle.js');
  await writeWorkflowBundle(bundle, path.join(root, 'workflows'));
  return bundle;
}

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
