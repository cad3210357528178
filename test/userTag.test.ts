/**
 * The user search attribute is a keyed hash (HMAC with IMAGE_AGENT_ID_KEY), so a user id cannot be found by
 * hashing a dictionary of names; `image-agent list --user` computes the same tag, and still finds runs tagged
 * the old, unkeyed way.
 */
import { createHash, randomUUID } from 'node:crypto';
import { startOptions } from '../client/startOptions';
import type { GenerateImageInput } from '../common/request';
import { Kind, Tenant, UserTag } from '../common/searchAttributes';
import { legacyUserTag, userTag } from '../common/userTag';
import { runCli } from './support/cli';
import { eventually } from './support/eventually';
import { startTestEnv, type TestEnv } from './support/testEnv';
import { generateImage } from '../workflows/generate/generateImage';

const KEY = 'a-test-id-key-of-some-length';

describe('userTag', () => {
  test('is keyed: another key gives another tag, and the unkeyed hash of tenant and user is not it', () => {
    const tag = userTag(KEY, 'acme', 'erin');
    expect(tag).toMatch(/^u_[0-9a-f]{32}$/);
    expect(userTag(KEY, 'acme', 'erin')).toBe(tag);
    expect(userTag(`${KEY}-2`, 'acme', 'erin')).not.toBe(tag);
    // What a dictionary attack on the old scheme computes from a guessed name.
    const guessed = createHash('sha256').update('acme\u0000erin').digest('hex');
    expect(tag).not.toContain(guessed.slice(0, 16));
    expect(legacyUserTag('acme', 'erin')).toBe(`u_${guessed.slice(0, 16)}`);
  });

  test('distinct (tenant, user) pairs get distinct tags, whatever separators the names hold', () => {
    const pairs: [string, string][] = [
      ['acme', 'bob-smith'],
      ['acme-bob', 'smith'],
      ['acme\u0000bob', 'smith'],
      ['acme', 'bob\u0000smith'],
      ['acme', '["bob"]'],
    ];
    expect(new Set(pairs.map(([t, u]) => userTag(KEY, t, u))).size).toBe(pairs.length);
  });
});

describe('the user search attribute on the stack', () => {
  let env: TestEnv;
  const tenant = `t-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    env = await startTestEnv({ name: 'usertag' });
  });
  afterAll(async () => {
    await env?.stop();
  });

  test('a run is tagged with the keyed tag, and `list --user` finds it and a run tagged the old way, and no other user’s', async () => {
    const input = (userId: string): GenerateImageInput => ({ request: 'a small red circle', tenantId: tenant, userId, options: { size: '256x256' } });
    const keyed = `usertag-${randomUUID()}`;
    await env.client.workflow.execute(generateImage, { ...startOptions(env.config, input('erin'), keyed), args: [input('erin')] });
    const described = await env.client.workflow.getHandle(keyed).describe();
    expect(described.typedSearchAttributes.get(UserTag)).toBe(userTag(env.config.ids.key, tenant, 'erin'));
    expect(described.typedSearchAttributes.get(UserTag)).not.toBe(legacyUserTag(tenant, 'erin'));

    // A run started before the change carried the unkeyed tag.
    const legacy = `usertag-legacy-${randomUUID()}`;
    await env.client.workflow.execute(generateImage, {
      taskQueue: env.taskQueue,
      workflowId: legacy,
      typedSearchAttributes: [
        { key: Tenant, value: tenant },
        { key: UserTag, value: legacyUserTag(tenant, 'erin') },
        { key: Kind, value: 'generate' },
      ],
      args: [input('erin')],
    });
    const other = `usertag-other-${randomUUID()}`;
    await env.client.workflow.execute(generateImage, { ...startOptions(env.config, input('frank'), other), args: [input('frank')] });

    const listed = await eventually(async () => {
      const out = await runCli(['list', '--tenant', tenant, '--user', 'erin', '--json'], { IMAGE_AGENT_ID_KEY: env.config.ids.key });
      expect(out.stderr).toBe('');
      const ids = (JSON.parse(out.stdout) as { workflowId: string }[]).map((r) => r.workflowId).sort();
      expect(ids).toEqual([keyed, legacy].sort());
      return ids;
    }, 30_000);
    expect(listed).not.toContain(other);
    // Under another id key the keyed run is not erin's.
    const otherKey = await runCli(['list', '--tenant', tenant, '--user', 'erin', '--json'], { IMAGE_AGENT_ID_KEY: 'some-other-id-key-0123456789' });
    expect((JSON.parse(otherKey.stdout) as { workflowId: string }[]).map((r) => r.workflowId)).toEqual([legacy]);
  });
});
