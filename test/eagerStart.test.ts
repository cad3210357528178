/**
 * Eager workflow start (Generations.eagerStart): a client over the NativeConnection of a worker polling the
 * run's queue in the same process asks the server to hand the first workflow task back with the start, so
 * the run skips one trip through matching. A client on its own connection never asks, and cannot.
 */
import { randomUUID } from 'node:crypto';
import { startGeneration } from '../client/generations';
import { scriptAgentDefaults } from './fakeOpenAI/agentDefaults';
import { FakeOpenAIServer } from './fakeOpenAI/fakeOpenAIServer';
import { startTestEnv, type TestEnv } from './support/testEnv';

const request = (userId: string) => ({
  request: 'a weather forecast card for Hangzhou',
  tenantId: 'eager',
  userId,
  options: { size: '64x64' as const },
  review: { required: false, planApproval: false, onTimeout: 'expire' as const },
});

describe('eager workflow start', () => {
  let fake: FakeOpenAIServer;
  let eager: TestEnv;
  let plain: TestEnv;

  beforeAll(async () => {
    fake = await new FakeOpenAIServer().start();
    scriptAgentDefaults(fake);
    eager = await startTestEnv({ name: 'eager-start', fake, eagerStart: true });
    plain = await startTestEnv({ name: 'plain-start', fake });
  });

  afterAll(async () => {
    await eager?.stop();
    await plain?.stop();
    await fake?.stop();
  });

  it('starts a run on the same process’s worker with its first task, and the run completes', async () => {
    const started = await startGeneration(
      { client: eager.client, config: eager.config, store: eager.store, eagerStart: eager.eagerStart },
      request('u1'),
      `eager-${randomUUID()}`,
    );
    expect(started.eagerlyStarted).toBe(true);
    const handle = eager.client.workflow.getHandle(started.workflowId);
    await expect(handle.result()).resolves.toMatchObject({ workflowId: started.workflowId, outcome: 'completed' });
  });

  it('is not asked for by a client on its own connection', async () => {
    const started = await startGeneration({ client: plain.client, config: plain.config, store: plain.store }, request('u2'), `plain-${randomUUID()}`);
    expect(started).not.toHaveProperty('eagerlyStarted');
    await plain.client.workflow.getHandle(started.workflowId).result();
  });

  it('refuses an eager client without workers in the process', async () => {
    await expect(startTestEnv({ name: 'eager-none', fake, eagerStart: true, workers: false })).rejects.toThrow(/needs the workers/);
  });
});
