/**
 * Fallback chains and circuit breakers (providers/fallback/): when a breaker opens and how often it lets a probe
 * through; which link an activity attempt starts at; a call that skips an open breaker, falls through a
 * content-policy refusal only when told to, and says why; and the chains configuration reads, with its errors.
 * Needs no stack: the links here are plain functions, and the activity attempt comes from MockActivityEnvironment.
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import { ConfigError } from '../../common/config';
import { describeConfig, loadConfig } from '../../config/loadConfig';
import { redactSecrets } from '../../common/redact';
import { CircuitBreaker, type BreakerSettings } from '../../providers/fallback/circuitBreaker';
import { AllLinksOpenError, callThroughChain, startingLink, type ChainLink } from '../../providers/fallback/providerChain';
import { ContentPolicyRefusal, ModelRequestRejectedError } from '../../providers/modelErrors';
import { createAgentModels, createImageModel } from '../../providers/registry';
import { breakerLines } from '../../client/commands/doctor';
import { allowedOnly, isAllowed, ProviderNotAllowedError, runWithAllowedProviders } from '../../providers/fallback/allowedProviders';

const SETTINGS: BreakerSettings = { failureRatio: 0.5, minCalls: 5, windowMs: 60_000, probeEveryMs: 5_000 };
const FALLBACK = { attemptsPerLink: 2, linkBudgetMs: 60_000, onContentPolicy: false };

function clock(start = 1_000_000) {
  const c = { now: start, tick: (ms: number) => (c.now += ms) };
  return c;
}

test('a breaker opens at half of five calls failing within the window, lets one probe through every 5 s, and closes on a success', () => {
  const t = clock();
  const b = new CircuitBreaker('chat openai', SETTINGS, () => t.now);
  for (const ok of [true, true, false, false]) b.record(ok);
  expect(b.state).toBe('closed'); // 4 calls: below the minimum
  b.record(false); // 3 of 5 failed
  expect(b.state).toBe('open');
  expect(b.tryPass()).toBe(false);
  t.tick(4_999);
  expect(b.tryPass()).toBe(false);
  t.tick(1);
  expect(b.tryPass()).toBe(true); // the probe
  expect(b.state).toBe('half-open');
  expect(b.tryPass()).toBe(false); // one probe at a time
  b.record(false);
  expect(b.state).toBe('open');
  t.tick(5_000);
  expect(b.tryPass()).toBe(true);
  b.record(true);
  expect(b.state).toBe('closed');
  expect(b.tryPass()).toBe(true);
});

test('failures spread wider than the window never open a breaker', () => {
  const t = clock();
  const b = new CircuitBreaker('image openai', SETTINGS, () => t.now);
  for (let i = 0; i < 20; i++) {
    b.record(false);
    t.tick(20_000); // one failure every 20 s: never five in a minute
  }
  expect(b.state).toBe('closed');
});

test('an attempt starts at the link its attempts or its time have reached, the first again after the last', () => {
  expect(startingLink(2, { attempt: 1, elapsedMs: 0 }, FALLBACK)).toEqual({ index: 0 });
  expect(startingLink(2, { attempt: 2, elapsedMs: 3_000 }, FALLBACK)).toEqual({ index: 0 });
  expect(startingLink(2, { attempt: 3, elapsedMs: 3_000 }, FALLBACK)).toMatchObject({ index: 1, kind: 'attempts', reason: '2 failed attempts each' });
  expect(startingLink(2, { attempt: 2, elapsedMs: 61_000 }, FALLBACK)).toMatchObject({ index: 1, kind: 'time', reason: 'no answer within 60 s each' });
  expect(startingLink(2, { attempt: 5, elapsedMs: 0 }, FALLBACK)).toMatchObject({ index: 0 });
  expect(startingLink(1, { attempt: 9, elapsedMs: 999_999 }, FALLBACK)).toEqual({ index: 0 });
});

type Link = ChainLink<() => Promise<string>>;
const link = (name: string, answer: () => Promise<string>, t = clock()): Link => ({
  name,
  model: answer,
  breaker: new CircuitBreaker(name, SETTINGS, () => t.now),
});
const call = (links: Link[], settings = FALLBACK) => callThroughChain('planner', links, settings, (m) => m());

test('a call skips a link whose breaker is open, and says so; a third attempt starts at the second link', async () => {
  const down = link('openai', () => Promise.reject(new Error('503')));
  const backup = link('openai:backup', async () => 'from backup');
  for (let i = 0; i < 5; i++) down.breaker.record(false);
  const answered = await call([down, backup]);
  expect(answered).toMatchObject({
    value: 'from backup',
    link: { name: 'openai:backup' },
    fallback: { from: 'openai', kind: 'breaker', reason: 'openai: breaker open' },
  });

  const flaky = link('openai', async () => 'from primary');
  const third = (await new MockActivityEnvironment({ attempt: 3, scheduledTimestampMs: Date.now() - 3_000 }).run(() => call([flaky, backup]))) as Awaited<
    ReturnType<typeof call>
  >;
  expect(third.fallback).toEqual({ from: 'openai', kind: 'attempts', reason: 'openai: 2 failed attempts each' });
  const first = (await new MockActivityEnvironment({ attempt: 1, scheduledTimestampMs: Date.now() }).run(() => call([flaky, backup]))) as Awaited<
    ReturnType<typeof call>
  >;
  expect(first).toMatchObject({ value: 'from primary' });
  expect(first.fallback).toBeUndefined();
});

test('a retryable failure is Temporal’s to retry, until it opens the breaker: then the next link answers at once', async () => {
  let calls = 0;
  const down = link('openai', () => (calls++, Promise.reject(new Error('connect ECONNREFUSED'))));
  const backup = link('openai:backup', async () => 'from backup');
  for (let i = 0; i < 4; i++) await expect(call([down, backup])).rejects.toThrow('ECONNREFUSED');
  // The fifth failure opens the breaker, and the same attempt moves on.
  await expect(call([down, backup])).resolves.toMatchObject({ value: 'from backup', fallback: { kind: 'breaker', reason: 'openai: failed, breaker open' } });
  expect(calls).toBe(5);
  await call([down, backup]);
  expect(calls).toBe(5); // open: not called again until the probe is due
});

test('a rejected request counts as the endpoint answering, and is not retried elsewhere', async () => {
  const rejecting = link('openai', () => Promise.reject(new ModelRequestRejectedError('bad key', 401)));
  const backup = link('openai:backup', async () => 'from backup');
  for (let i = 0; i < 6; i++) await expect(call([rejecting, backup])).rejects.toThrow('bad key');
  expect(rejecting.breaker.state).toBe('closed');
});

test('a content-policy refusal goes to the next link only when the switch is on', async () => {
  const refusing = link('openai', () => Promise.reject(new ContentPolicyRefusal('safety system')));
  const backup = link('image-server', async () => 'rendered');
  await expect(call([refusing, backup])).rejects.toBeInstanceOf(ContentPolicyRefusal);
  await expect(call([refusing, backup], { ...FALLBACK, onContentPolicy: true })).resolves.toMatchObject({
    value: 'rendered',
    fallback: { from: 'openai', kind: 'content_policy', reason: 'openai: content-policy refusal (safety system)' },
  });
});

test('with every breaker open nothing is called, and the error is retryable', async () => {
  const a = link('openai', async () => 'a');
  const b = link('openai:backup', async () => 'b');
  for (const l of [a, b]) for (let i = 0; i < 5; i++) l.breaker.record(false);
  const err = await call([a, b]).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(AllLinksOpenError);
  expect((err as AllLinksOpenError).retryable).toBe(true);
});

const load = (env: Record<string, string>) => loadConfig({ PATH: process.env.PATH, ...env });
const OPENAI = { OPENAI_BASE_URL: 'http://127.0.0.1:8000/v1', OPENAI_API_KEY: 'sk-primary' };
const BACKUP = { OPENAI_BASE_URL_BACKUP: 'http://127.0.0.1:8001/v1', OPENAI_API_KEY_BACKUP: 'sk-backup-secret' };

test('chains from configuration: every chat role and the image role, a profile reading only its own settings, its key a secret', () => {
  const config = load({ ...OPENAI, ...BACKUP, IMAGE_AGENT_FALLBACKS: 'openai:backup' });
  expect(config.models.chains).toMatchObject({ planner: ['openai:backup'], critic: ['openai:backup'], image: ['openai:backup'] });
  expect(config.models.chains.embed).toBeUndefined();
  const described = JSON.stringify(describeConfig(config));
  expect(described).toContain('openai:backup at http://127.0.0.1:8001/v1');
  expect(described).not.toContain('sk-backup-secret');
  expect(redactSecrets('key sk-backup-secret')).not.toContain('sk-backup-secret');
  expect(createImageModel(config).provider).toBe('openai');
  expect(createAgentModels(config).planner).toBeDefined();
  // One role's own chain; the image server serves the image role only, so the default leaves it out of the others.
  const mixed = load({ ...OPENAI, IMAGE_AGENT_FALLBACKS: 'image-server', IMAGE_SERVER_BASE_URL: 'http://127.0.0.1:8091/v1', IMAGE_SERVER_MODEL: 'q' });
  expect(mixed.models.chains).toEqual({ image: ['image-server'] });
  // The offline roles have no chat model to fall back from: a default chain leaves them alone.
  expect(load({ IMAGE_AGENT_FALLBACKS: 'openai:backup', ...BACKUP }).models.chains).toEqual({});
});

test.each([
  [{ IMAGE_AGENT_FALLBACKS: 'openai:backup' }, 'the fallback link openai:backup needs OPENAI_API_KEY_BACKUP or OPENAI_BASE_URL_BACKUP'],
  [{ IMAGE_AGENT_FALLBACKS: 'azure' }, 'IMAGE_AGENT_FALLBACKS: unknown model vendor "azure"'],
  [{ IMAGE_AGENT_FALLBACKS: 'openai:Backup!' }, 'IMAGE_AGENT_FALLBACKS: "openai:Backup!" is not a link'],
  [{ IMAGE_AGENT_FALLBACKS: 'openai', ...BACKUP }, 'openai is already in the planner role'],
  [{ IMAGE_AGENT_CRITIC_FALLBACKS: 'image-server' }, 'IMAGE_AGENT_CRITIC_FALLBACKS: the vendor image-server cannot answer the critic role in a chain'],
  [
    { IMAGE_AGENT_PROVIDERS: 'offline', IMAGE_AGENT_IMAGE_FALLBACKS: 'openai' },
    "IMAGE_AGENT_IMAGE_FALLBACKS: the image role's vendor offline cannot lead a chain",
  ],
  [{ IMAGE_AGENT_EMBED_FALLBACKS: 'openai:backup', ...BACKUP }, 'the embedder has no chain'],
  [{ IMAGE_AGENT_FALLBACK_ATTEMPTS: '0' }, 'IMAGE_AGENT_FALLBACK_ATTEMPTS'],
  [{ IMAGE_AGENT_BREAKER_FAILURE_PERCENT: 'half' }, 'IMAGE_AGENT_BREAKER_FAILURE_PERCENT'],
])('a bad chain setting stops the process with a line naming it: %j', (env, message) => {
  const err = (() => {
    try {
      load({ ...OPENAI, ...env });
    } catch (e) {
      return e;
    }
    return undefined;
  })();
  expect(err).toBeInstanceOf(ConfigError);
  expect((err as Error).message).toContain(message);
});

test("doctor names each open breaker from a process's metrics, or says every one is closed", () => {
  const metrics = (states: [string, number][]) => states.map(([e, v]) => `image_agent_model_breaker_state{endpoint="${e}"} ${v}`).join('\n');
  expect(breakerLines('gpu-worker', 'image_agent_runs_total 3\n')).toEqual([]);
  expect(breakerLines('orchestration-worker', metrics([['chat openai at http://a/v1', 0]]))).toEqual([
    '      orchestration-worker: 1 model endpoints in fallback chains, every breaker closed',
  ]);
  expect(
    breakerLines(
      'gpu-worker',
      metrics([
        ['image openai at http://a/v1', 2],
        ['image openai:backup at http://b/v1', 0],
      ]),
    ),
  ).toEqual(['WARN  gpu-worker: the breaker of image openai at http://a/v1 is open; its calls go to the next link of the chain']);
});

test('a run’s allowed providers: a chain keeps only those links (the first answers as the role’s own), a lone vendor must be one, and none is a typed refusal', async () => {
  const primary = link('openai', async () => 'from primary');
  const backup = link('openai:backup', async () => 'from backup');
  const answered = await runWithAllowedProviders(['openai:backup'], () => call([primary, backup]));
  expect(answered).toMatchObject({ value: 'from backup', link: { name: 'openai:backup' } });
  expect(answered.fallback).toBeUndefined();
  await expect(runWithAllowedProviders(['anthropic'], () => call([primary, backup]))).rejects.toBeInstanceOf(ProviderNotAllowedError);
  expect(await call([primary, backup])).toMatchObject({ value: 'from primary' }); // no list: every configured link

  const planner = allowedOnly('planner', 'openai', { plan: async (q: string) => `plan for ${q}`, label: 'p' });
  expect(planner.label).toBe('p');
  expect(await runWithAllowedProviders(['openai'], () => planner.plan('x'))).toBe('plan for x');
  expect(() => runWithAllowedProviders(['openai:backup'], () => planner.plan('x'))).toThrow(
    "the planner role's providers (openai) include none this run may use (openai:backup)",
  );
  expect(runWithAllowedProviders(['openai'], () => isAllowed('openai'))).toBe(true);
  expect(runWithAllowedProviders(['openai'], () => isAllowed('ollama'))).toBe(false);
  expect(isAllowed('ollama')).toBe(true);
});
