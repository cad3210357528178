/**
 * Activities in MockActivityEnvironment, built by the project's factories (activities/index.ts) over the
 * offline providers and in-memory stores: heartbeats a retry relies on, cancellation reaching the provider,
 * the tenant boundary on keys, and what each returns for its input.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createAgentActivities, createGpuActivities } from '../../activities';
import { runWithTenant } from '../../activities/currentWorkflow';
import { RenderSpool } from '../../activities/renderSpool';
import type { ImageModel, RenderRequest, RenderOutput } from '../../providers/imageModel';
import { fakeWorld, type FakeWorld } from './support/timeSkippingEnv';

const TENANT = 'fast';
const WORKFLOW = { workflowId: 'wf-activity', runId: 'run-1' };

let spoolDir: string;
beforeEach(() => {
  spoolDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fast-act-'));
});
afterEach(() => fs.rmSync(spoolDir, { recursive: true, force: true }));

function agent(world: FakeWorld = fakeWorld()) {
  return createAgentActivities({ ...world });
}

function gpu(world: FakeWorld, imageModel: ImageModel = world.imageModel) {
  const spool = new RenderSpool(spoolDir);
  return { spool, acts: createGpuActivities({ imageModel, store: world.store, spool }) };
}

function mockEnv(info: ConstructorParameters<typeof MockActivityEnvironment>[0] = {}): { env: MockActivityEnvironment; beats: unknown[] } {
  const env = new MockActivityEnvironment({ workflowExecution: WORKFLOW, activityId: '7', ...info });
  const beats: unknown[] = [];
  env.on('heartbeat', (d: unknown) => beats.push(d));
  return { env, beats };
}

/** env.run with the activity's own types (the SDK's signature infers its result as unknown). */
function run<A extends unknown[], R>(env: MockActivityEnvironment, fn: (...args: A) => Promise<R>, ...args: A): Promise<R> {
  return env.run(fn, ...args) as Promise<R>;
}

const renderInput = {
  prompt: 'a red bicycle',
  sections: [{ title: 'Subject', body: 'a red bicycle' }],
  size: '256x256',
  imageIndex: 0,
  round: 1,
  referenceKeys: [],
};

describe('renderImage', () => {
  test('stores the PNG under the tenant and the run, and reports progress: rendering at once, rendered after', async () => {
    const world = fakeWorld();
    const { env, beats } = mockEnv();
    const out = await runWithTenant(TENANT, () => run(env, gpu(world).acts.renderImage, renderInput));
    expect(out.image.key.startsWith(`tenants/${TENANT}/`)).toBe(true);
    expect(out.image.key).toContain(WORKFLOW.workflowId);
    expect(world.store.objects.get(out.image.key)!.contentType).toBe('image/png');
    expect(beats[0]).toEqual({ stage: 'rendering' });
    expect(beats.at(-1)).toMatchObject({ stage: 'rendered' });
    expect(out.fromSpool).toBeUndefined();
    expect(out.reRendered).toBeUndefined();
  });

  test('an attempt after one that was rendering (heartbeat details) and left no spool says it re-rendered', async () => {
    const world = fakeWorld();
    const { env } = mockEnv({ attempt: 2, heartbeatDetails: { stage: 'rendering' } });
    const out = await runWithTenant(TENANT, () => run(env, gpu(world).acts.renderImage, renderInput));
    expect(out.reRendered).toBe(true);
  });

  test('an attempt after one whose provider answered with an error is not counted as paid twice', async () => {
    const world = fakeWorld();
    const { env } = mockEnv({ attempt: 2, heartbeatDetails: { stage: 'failed' } });
    const out = await runWithTenant(TENANT, () => run(env, gpu(world).acts.renderImage, renderInput));
    expect(out.reRendered).toBeUndefined();
  });

  test('spooled bytes from an earlier attempt on this worker are uploaded without calling the model', async () => {
    const world = fakeWorld();
    const { spool, acts } = gpu(world, { provider: 'offline', model: 'offline', render: () => Promise.reject(new Error('must not render again')) });
    const png = (await world.imageModel.render({ prompt: 'x', sections: [], size: '256x256', references: [] } as RenderRequest)).png;
    const spooled: RenderOutput = { png, width: 256, height: 256, provider: 'offline', model: 'spooled', mode: 'generate' };
    await spool.keep(spool.idOf({ ...WORKFLOW, activityId: '7' }), spooled);
    const { env } = mockEnv({ attempt: 2, heartbeatDetails: { stage: 'rendered' } });
    const out = await runWithTenant(TENANT, () => run(env, acts.renderImage, renderInput));
    expect(out.fromSpool).toBe(true);
    expect(out.model).toBe('spooled');
    expect(out.reRendered).toBeUndefined();
    expect(await spool.take(spool.idOf({ ...WORKFLOW, activityId: '7' }))).toBeUndefined();
  });

  test("cancellation reaches the image model's signal and the activity ends cancelled", async () => {
    const world = fakeWorld();
    let sawAbort = false;
    const hanging: ImageModel = {
      provider: 'offline',
      model: 'offline',
      render: (input) =>
        new Promise((_, reject) => {
          input.signal?.addEventListener('abort', () => {
            sawAbort = true;
            reject(new Error('aborted'));
          });
        }),
    };
    const { env, beats } = mockEnv();
    const running = runWithTenant(TENANT, () => run(env, gpu(world, hanging).acts.renderImage, renderInput));
    while (beats.length === 0) await new Promise((r) => setImmediate(r));
    env.cancel();
    await expect(running).rejects.toThrow();
    expect(sawAbort).toBe(true);
    expect(beats.at(-1)).toEqual({ stage: 'failed' });
    expect([...world.store.objects.keys()]).toEqual([]);
  });

  test("a reference outside the run's tenant is refused before the model is called", async () => {
    const world = fakeWorld();
    let called = false;
    const model = { render: () => ((called = true), Promise.reject(new Error('no'))) } as unknown as ImageModel;
    const { env } = mockEnv();
    await expect(
      runWithTenant(TENANT, () => run(env, gpu(world, model).acts.renderImage, { ...renderInput, referenceKeys: ['tenants/other/x.png'] })),
    ).rejects.toThrow();
    expect(called).toBe(false);
  });

  test('without a tenant header the activity refuses to write anywhere', async () => {
    const world = fakeWorld();
    const { env } = mockEnv();
    await expect(run(env, gpu(world).acts.renderImage, renderInput)).rejects.toThrow(/tenant header/);
    expect(world.store.objects.size).toBe(0);
  });
});

describe('agent activities', () => {
  async function storedRender(world: FakeWorld, size = '256x256'): Promise<string> {
    const { env } = mockEnv();
    const out = await runWithTenant(TENANT, () => run(env, gpu(world).acts.renderImage, { ...renderInput, size }));
    return out.image.key;
  }

  test('critiqueImage adds a failed size item when the request names a size the image does not have', async () => {
    const world = fakeWorld();
    const key = await storedRender(world, '256x256');
    const { env } = mockEnv();
    const critique = await runWithTenant(TENANT, () =>
      run(env, agent(world).critiqueImage, {
        request: 'a 1920x1080 banner',
        imageKey: key,
        checklist: [{ id: 'c1', statement: 'The image shows a banner' }],
        referenceKeys: [],
      }),
    );
    expect(critique.total).toBe(2);
    expect(critique.verdicts.find((v) => v.itemId === 'size')).toMatchObject({ status: 'fail', pass: false });
  });

  test('critiqueImage without a named size judges only the checklist, and the offline critic claims no pass', async () => {
    const world = fakeWorld();
    const key = await storedRender(world);
    const { env } = mockEnv();
    const critique = await runWithTenant(TENANT, () =>
      run(env, agent(world).critiqueImage, {
        request: 'a red bicycle',
        imageKey: key,
        checklist: [{ id: 'c1', statement: 'The image shows a red bicycle' }],
        referenceKeys: [],
      }),
    );
    expect(critique.total).toBe(1);
    expect(critique.passed).toBe(0);
    expect(critique.provider).toBe('offline');
  });

  test("critiqueImage refuses another tenant's image", async () => {
    const world = fakeWorld();
    const { env } = mockEnv();
    await expect(
      runWithTenant(TENANT, () =>
        run(env, agent(world).critiqueImage, { request: 'x', imageKey: 'tenants/other/runs/a.png', checklist: [], referenceKeys: [] }),
      ),
    ).rejects.toThrow();
  });

  test('rememberTurn is idempotent per workflow: a retried attempt adds the turn once', async () => {
    const world = fakeWorld();
    const input = { tenantId: TENANT, userId: 'u1', sessionId: 's', request: 'I love watercolour; draw a fox', imageKeys: [] };
    const first = await runWithTenant(TENANT, () => run(mockEnv().env, agent(world).rememberTurn, input));
    const again = await runWithTenant(TENANT, () => run(mockEnv({ attempt: 2 }).env, agent(world).rememberTurn, input));
    expect(first.turnInserted).toBe(true);
    expect(again.turnInserted).toBe(false);
    expect(world.memory.turns).toHaveLength(1);
  });

  test('selectRelevantTurns keeps at most maxTurns earlier turns', async () => {
    const turns = Array.from({ length: 6 }, (_, i) => ({ index: i + 1, workflowId: `w${i + 1}`, request: `a fox picture number ${i + 1}`, imageKeys: [] }));
    const { selected } = await run(mockEnv().env, agent().selectRelevantTurns, { request: 'the fox again', turns, maxTurns: 3, budgetChars: 4000 });
    expect(selected.length).toBeLessThanOrEqual(3);
    for (const t of selected) expect(turns.map((x) => x.index)).toContain(t.index);
  });

  test('searchWeb lets a backend failure through, for the workflow to degrade on', async () => {
    const world = fakeWorld();
    world.webSearch = { name: 'down', search: () => Promise.reject(new Error('backend down')) };
    const input = {
      request: 'weather in Hangzhou',
      question: { id: 'q1', question: 'What is the weather?', route: 'web_search' as const, dependsOn: [], rationale: 'r' },
      parents: [],
      today: '2026-12-03',
    };
    await expect(runWithTenant(TENANT, () => run(mockEnv().env, agent(world).searchWeb, input))).rejects.toThrow(/backend down/);
  });

  test('writeReport stores the report under the tenant and returns its key', async () => {
    const world = fakeWorld();
    const { env } = mockEnv();
    const report = {
      schemaVersion: 1,
      workflowId: WORKFLOW.workflowId,
      runId: WORKFLOW.runId,
      startedAt: '2026-12-03T00:00:00Z',
      input: {},
      result: {},
      calls: [],
      ignoredSignals: [],
    };
    const written = await runWithTenant(TENANT, () => run(env, agent(world).writeReport, report as never));
    expect(written.key.startsWith(`tenants/${TENANT}/`)).toBe(true);
    expect(JSON.parse(world.store.objects.get(written.key)!.body.toString())).toMatchObject({ workflowId: WORKFLOW.workflowId });
  });
});
