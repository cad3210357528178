/**
 * A fallback chain on the real stack (providers/fallback/): the primary endpoint answers 500 to every chat and
 * image request for a while, and every run completes through the backup (`openai:backup`, its own URL and
 * key). While the primary's breakers are open it gets one probe at most every 5 s per kind of call; the
 * reports, call records and candidates name the backup and why; neither key reaches the other endpoint or
 * the history; once the primary is back, a probe closes the breaker and the primary answers again.
 */
import { randomUUID } from 'node:crypto';
import { WorkflowFailedError } from '@temporalio/client';
import { startGeneration } from '../client/generations';
import { tenantPolicies } from '../client/tenantPolicies';
import type { GenerateImageInput } from '../common/request';
import type { GenerateImageResult, RunReport } from '../common/runResult';
import { generateImage } from '../workflows/generate/generateImage';
import { scriptAgentDefaults } from './fakeOpenAI/agentDefaults';
import { FakeOpenAIServer, type RecordedRequest, type Route } from './fakeOpenAI/fakeOpenAIServer';
import { dumpHistory } from './support/history';
import { eventually } from './support/eventually';
import { startTestEnv, type TestEnv } from './support/testEnv';

const PRIMARY_KEY = 'sk-test-fake-key';
const BACKUP_KEY = 'sk-backup-only-key';
const OUTAGE_MS = 30_000;
const PROBE_MS = 5_000;

describe('a fallback chain through a primary outage', () => {
  let primary: FakeOpenAIServer;
  let backup: FakeOpenAIServer;
  let env: TestEnv;
  const tenant = `fb-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    primary = await new FakeOpenAIServer().start();
    backup = await new FakeOpenAIServer().start();
    env = await startTestEnv({
      name: 'model-fallback',
      fake: primary,
      env: {
        IMAGE_AGENT_FALLBACKS: 'openai:backup',
        OPENAI_BASE_URL_BACKUP: backup.baseURL,
        OPENAI_API_KEY_BACKUP: BACKUP_KEY,
        IMAGE_AGENT_BREAKER_PROBE_MS: String(PROBE_MS),
        IMAGE_AGENT_TENANT_POLICY_CACHE_SECONDS: '0',
      },
    });
  });
  afterAll(async () => {
    await env?.stop();
    await backup?.stop();
    await primary?.stop();
  });

  const run = (request: string) => {
    const workflowId = `fallback-${randomUUID()}`;
    const input: GenerateImageInput = { request, tenantId: tenant, userId: 'ana', options: { size: '256x256', maxRounds: 1 } };
    return { workflowId, result: env.client.workflow.execute(generateImage, { taskQueue: env.taskQueue, workflowId, args: [input] }) };
  };

  test('every run completes through the backup; the primary gets one probe per 5 s while its breakers are open; then it answers again', async () => {
    const outageEnds = Date.now() + OUTAGE_MS;
    const down = (route: Route) => ({ route, when: () => Date.now() < outageEnds, fault: { status: 500 } });
    primary.script(down('chat'), down('images.generate'), down('images.edit'));
    scriptAgentDefaults(primary);
    scriptAgentDefaults(backup);

    const runs = Array.from({ length: 6 }, (_, i) => run(`a launch poster for the lamp, variant ${i}`));
    const results: GenerateImageResult[] = await Promise.all(runs.map((r) => r.result));
    expect(Date.now()).toBeLessThan(outageEnds); // every run finished inside the outage

    for (const [i, result] of results.entries()) {
      expect(result.outcome).toBe('completed');
      expect(result.final!.renderedBy).toMatchObject({ provider: 'openai:backup', fallback: { from: 'openai', kind: expect.any(String) } });
      const report = await env.store.getJson<RunReport>(result.reportKey!);
      expect(report.fallbacks?.calls.length).toBeGreaterThan(0);
      for (const c of report.fallbacks!.calls)
        expect(c).toMatchObject({ provider: 'openai:backup', from: 'openai', reason: expect.stringMatching(/breaker open|failed attempts/) });
      expect(report.calls.every((c) => c.provider === 'openai:backup' || c.provider === 'openai')).toBe(true);
      const history = await dumpHistory(env.client.workflow.getHandle(runs[i]!.workflowId));
      expect(history.payloadTexts.join('\n')).not.toContain(BACKUP_KEY);
    }
    expect(primary.requests.every((r) => r.authorization === `Bearer ${PRIMARY_KEY}`)).toBe(true);
    expect(backup.requests.every((r) => r.authorization === `Bearer ${BACKUP_KEY}`)).toBe(true);

    // Once the breaker is open (five failures), the primary sees probes only: at most one per 5 s per kind of call.
    for (const routes of [['chat'], ['images.generate', 'images.edit']] as Route[][]) {
      const seen = primary.requests.filter((r) => routes.includes(r.route)).sort((a, b) => a.at - b.at);
      expect(seen.length).toBeGreaterThanOrEqual(1);
      const probes = seen.filter((r) => r.at > opened(seen));
      for (let i = 1; i < probes.length; i++) expect(probes[i]!.at - probes[i - 1]!.at).toBeGreaterThanOrEqual(PROBE_MS - 50);
    }

    // Back: the next probe succeeds, the breaker closes, and the primary answers.
    await new Promise((r) => setTimeout(r, Math.max(0, outageEnds - Date.now()) + PROBE_MS));
    await eventually(async () => {
      const after = await run('a poster after the outage').result;
      expect(after.final!.renderedBy.provider).toBe('openai');
    }, 30_000);
  }, 120_000);

  test('a tenant’s allowedProviders: its runs call only those links, a request can only narrow them, and a run none of whose links is allowed is refused', async () => {
    const g = { client: env.client, config: env.config, store: env.store };
    const onlyBackup = `fb-only-backup-${randomUUID().slice(0, 6)}`;
    // Bad input: an unknown vendor is refused naming it.
    await expect(tenantPolicies(env.config).change(onlyBackup, { allowedProviders: ['nosuchvendor'] }, 'test')).rejects.toThrow(
      /unknown model vendor "nosuchvendor"/,
    );
    await tenantPolicies(env.config).change(onlyBackup, { allowedProviders: ['openai:backup'] }, 'test');
    const primaryBefore = primary.requests.length;
    const backupBefore = backup.requests.length;
    // The request asks for the primary: narrowed to what the tenant allows, and the start says so.
    const started = await startGeneration(g, {
      request: 'a poster for the tea shop',
      tenantId: onlyBackup,
      userId: 'ana',
      options: { size: '256x256', maxRounds: 1, providers: ['openai'] },
    });
    expect(started.clamped).toContainEqual(expect.objectContaining({ field: 'options.providers', requested: 'openai', applied: 'openai:backup' }));
    const result = (await env.client.workflow.getHandle(started.workflowId).result()) as GenerateImageResult;
    expect(result.outcome).toBe('completed');
    // The backup answered as the run's own provider, not as a fallback; the primary was never called.
    expect(result.final!.renderedBy).toEqual(expect.objectContaining({ provider: 'openai:backup' }));
    expect(result.final!.renderedBy.fallback).toBeUndefined();
    const report = await env.store.getJson<RunReport>(result.reportKey!);
    expect(new Set(report.calls.map((c) => c.provider))).toEqual(new Set(['openai:backup']));
    expect(primary.requests.length).toBe(primaryBefore);
    expect(backup.requests.length).toBeGreaterThan(backupBefore);

    // A tenant allowing only a vendor no role is configured with: refused before anything starts.
    const elsewhere = `fb-elsewhere-${randomUUID().slice(0, 6)}`;
    await tenantPolicies(env.config).change(elsewhere, { allowedProviders: ['image-server'] }, 'test');
    await expect(startGeneration(g, { request: 'a poster', tenantId: elsewhere, userId: 'ana' })).rejects.toThrow(
      /options\.providers: the planner role's providers \(openai, openai:backup\) include none of those allowed \(image-server\)/,
    );

    // The workers' own check: a run started past the client with providers no role has fails at its first call, not retried.
    const workflowId = `fallback-forbidden-${randomUUID()}`;
    const input: GenerateImageInput = { request: 'a poster', tenantId: elsewhere, userId: 'ana', options: { size: '256x256', providers: ['image-server'] } };
    const failed = await env.client.workflow.execute(generateImage, { taskQueue: env.taskQueue, workflowId, args: [input] }).catch((err: unknown) => err);
    expect(failed).toBeInstanceOf(WorkflowFailedError);
    expect(JSON.stringify((failed as WorkflowFailedError).cause?.cause)).toMatch(/ProviderNotAllowed/);
    expect(primary.requests.length).toBe(primaryBefore);
  }, 120_000);
});

/** About when the breaker opened: the fifth failure's answer (and a moment for the answer to reach the worker), or never. */
function opened(seen: RecordedRequest[]): number {
  const answered = seen.map((r) => r.doneAt ?? Number.POSITIVE_INFINITY).sort((a, b) => a - b);
  return (answered[4] ?? Number.POSITIVE_INFINITY) + 200;
}
