/**
 * Per-user memory on every supported Postgres (embedded PGlite with pgvector; a real server without it):
 * idempotent writes, full-text recall, embedding recall where available, budgeted selection, tenant isolation.
 */
import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { migrate } from '../infra/migrate';
import { createPool } from '../providers/database';
import { MemoryStore, mergeProfile } from '../providers/memoryStore';
import { fakeEmbedding } from './fakeOpenAI/fakeOpenAIServer';
import { databaseTargets } from './support/databases';

describe.each(databaseTargets())('memory on %s', (_name, url) => {
  let pool: Pool;
  let memory: MemoryStore;
  let vector: boolean;
  const tenantId = `t-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    pool = createPool(url, 8);
    vector = (await migrate(pool)).vector;
    memory = new MemoryStore(pool);
  });
  afterAll(() => pool.end());

  test('a retried remember adds no duplicate rows and applies a profile update once', async () => {
    const turn = {
      tenantId,
      userId: 'ann',
      sessionId: 's1',
      workflowId: 'wf-1',
      request: 'I dislike red; draw a kite',
      imageKeys: ['runs/wf-1/image-0/round-1.png'],
    };
    expect(await memory.rememberTurn(turn)).toBe(true);
    expect(await memory.rememberTurn(turn)).toBe(false);
    const first = await memory.applyProfileUpdate(tenantId, 'ann', 'wf-1', { dislikes: ['red'], likes: ['kites'] });
    const again = await memory.applyProfileUpdate(tenantId, 'ann', 'wf-1', { dislikes: ['red', 'green'] });
    expect(first.applied).toBe(true);
    expect(again.applied).toBe(false);
    expect(await memory.getProfile(tenantId, 'ann')).toEqual({ dislikes: ['red'], likes: ['kites'] });
    const rows = await pool.query('select count(*)::int as n from conversation_turns where tenant_id = $1 and workflow_id = $2', [tenantId, 'wf-1']);
    expect(rows.rows[0].n).toBe(1);
  });

  test('concurrent runs remembering at once: every turn row and every profile update lands, each once', async () => {
    // Many connections at once, as several workers write: on the embedded server they share one session.
    const runs = Array.from({ length: 16 }, (_, i) => `wf-concurrent-${i}`);
    const results = await Promise.all(
      runs.map(async (workflowId, i) => {
        const inserted = await memory.rememberTurn({ tenantId, userId: 'cora', sessionId: 's-c', workflowId, request: `turn ${i}`, imageKeys: [] });
        const update = await memory.applyProfileUpdate(tenantId, 'cora', workflowId, { facts: { [`fact${i}`]: `value ${i}` } });
        return { inserted, applied: update.applied };
      }),
    );
    expect(results.every((r) => r.inserted && r.applied)).toBe(true);
    const turns = await pool.query('select count(*)::int as n from conversation_turns where tenant_id = $1 and user_id = $2', [tenantId, 'cora']);
    expect(turns.rows[0].n).toBe(runs.length);
    const updates = await pool.query('select count(*)::int as n from profile_updates where tenant_id = $1 and user_id = $2', [tenantId, 'cora']);
    expect(updates.rows[0].n).toBe(runs.length);
    expect(Object.keys((await memory.getProfile(tenantId, 'cora')).facts ?? {})).toHaveLength(runs.length);
  });

  test('a store that was down when first asked is asked again, not remembered as down (the soak found runs stuck on it)', async () => {
    let down = true;
    // The real pool, whose first query fails as it would while the server is stopped.
    const flaky = new Proxy(pool, {
      get(target, prop) {
        if (prop === 'query' && down) {
          down = false;
          return () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }));
        }
        const value: unknown = Reflect.get(target, prop);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    const store = new MemoryStore(flaky);
    await expect(store.hasVector()).rejects.toThrow(/ECONNREFUSED/);
    await expect(store.hasVector()).resolves.toBe(vector);
  });

  test('recall leaves out the runs it is told to, whatever their ids hold (quotes, backslashes, commas)', async () => {
    const odd = ['wf-"quoted"', 'wf-back\\slash', "wf-it's,comma"];
    for (const workflowId of [...odd, 'wf-kept']) {
      await memory.rememberTurn({ tenantId, userId: 'dora', sessionId: 's1', workflowId, request: 'a lighthouse on a cliff at dusk', imageKeys: [] });
    }
    const recalled = await memory.recall({ tenantId, userId: 'dora', query: 'lighthouse cliff', excludeWorkflowIds: odd, budgetChars: 4000 });
    expect(recalled.turns.map((t) => t.workflowId)).toEqual(['wf-kept']);
  });

  test('full-text recall finds the relevant turn and knowledge, never another tenant’s', async () => {
    await memory.rememberTurn({
      tenantId,
      userId: 'ben',
      sessionId: 's1',
      workflowId: 'wf-logo',
      request: 'a minimalist fox logo for our café',
      imageKeys: ['k/logo.png'],
    });
    await memory.rememberTurn({ tenantId, userId: 'ben', sessionId: 's1', workflowId: 'wf-mountain', request: 'a poster of snowy mountains', imageKeys: [] });
    await memory.rememberTurn({
      tenantId: `${tenantId}-other`,
      userId: 'ben',
      sessionId: 's1',
      workflowId: 'wf-foreign',
      request: 'a fox logo for a rival',
      imageKeys: [],
    });
    await memory.addKnowledge({ id: `${tenantId}-brand`, tenantId, title: 'Café brand colours', body: 'The café logo uses forest green and cream.' });
    const recalled = await memory.recall({ tenantId, userId: 'ben', query: 'the fox logo from before', budgetChars: 4000 });
    expect(recalled.turns.map((t) => t.workflowId)).toEqual(['wf-logo']);
    expect(recalled.knowledge.map((k) => k.title)).toEqual(['Café brand colours']);
    expect(recalled.retrieval.method).toBe('full_text');
  });

  test('the budget keeps the best items and reports what it dropped', async () => {
    for (let i = 0; i < 6; i++) {
      await memory.rememberTurn({
        tenantId,
        userId: 'cat',
        sessionId: 's',
        workflowId: `wf-b${i}`,
        request: `a garden with roses number ${i} ${'and tulips '.repeat(20)}`,
        imageKeys: [],
      });
    }
    const recalled = await memory.recall({ tenantId, userId: 'cat', query: 'roses garden', budgetChars: 1200 });
    expect(recalled.turns.length).toBeGreaterThan(0);
    expect(recalled.turns.length).toBeLessThan(6);
    expect(recalled.retrieval.droppedForBudget).toBe(6 - recalled.turns.length);
    expect(JSON.stringify(recalled.turns).length).toBeLessThanOrEqual(1200);
  });

  test('embedding recall is used where pgvector exists', async () => {
    const model = 'fake-embeddings';
    await memory.rememberTurn({
      tenantId,
      userId: 'dan',
      sessionId: 's',
      workflowId: 'wf-e1',
      request: 'lighthouse on a cliff',
      imageKeys: [],
      embedding: { vector: fakeEmbedding('lighthouse on a cliff'), model },
    });
    await memory.rememberTurn({
      tenantId,
      userId: 'dan',
      sessionId: 's',
      workflowId: 'wf-e2',
      request: 'bowl of ramen',
      imageKeys: [],
      embedding: { vector: fakeEmbedding('bowl of ramen'), model },
    });
    const recalled = await memory.recall({
      tenantId,
      userId: 'dan',
      query: 'zzz',
      budgetChars: 4000,
      embedding: { vector: fakeEmbedding('a lighthouse'), model },
    });
    if (vector) {
      expect(recalled.retrieval.method).toBe('full_text+embeddings');
      expect(recalled.turns[0]!.workflowId).toBe('wf-e1');
    } else {
      expect(recalled.retrieval.method).toBe('full_text');
      expect(recalled.turns).toEqual([]);
    }
  });
});

test('profiles merge: later facts win, lists union, a new dislike removes the same like', () => {
  expect(mergeProfile({ profession: 'nurse', likes: ['red', 'tea'] }, { profession: 'paediatric nurse', dislikes: ['red'] })).toEqual({
    profession: 'paediatric nurse',
    likes: ['tea'],
    dislikes: ['red'],
  });
});
