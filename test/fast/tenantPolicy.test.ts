/**
 * The tenant policy's pure parts (issue 23): every clamp resolveRunOptions makes, and that it reports each one a
 * request asked for and none it did not; a policy change merged and checked whole; an image set cut to the limit
 * without cutting a dependency. Needs no stack.
 */
import { fairnessKey, PRIORITY_KEYS, runPriority } from '../../common/dispatchPriority';
import { withinImageLimit, type ContextPlan } from '../../common/plan';
import { describeClamps, resolveRunOptions } from '../../common/resolveRunOptions';
import type { ReviewPolicy } from '../../common/review';
import type { TenantPolicy, VersionedTenantPolicy } from '../../common/tenantPolicy';
import { applyPolicyChange, tenantPolicyChangeSchema } from '../../common/tenantPolicySchema';
import { policyCacheLine } from '../../client/commands/doctor';
import { formatEta } from '../../client/queuePlace';

const OPEN: TenantPolicy = {
  review: { required: false, fourEyes: false, allowApproveBestOnTimeout: true },
  maxRounds: 10,
  maxImages: 12,
  allowedAblations: ['noReason', 'noSearch', 'noMemory', 'noFeedback', 'direct'],
  priorityClass: 'interactive',
  fairnessWeight: 1,
  maxQueuedRuns: 1000,
  maxOpenRuns: 10000,
};
const tenant = (policy: Partial<TenantPolicy>, version = 3): VersionedTenantPolicy => ({ tenantId: 't', version, policy: { ...OPEN, ...policy } });
const NO_REVIEW: ReviewPolicy = { required: false, onTimeout: 'expire' };
const FOUR_EYES = { review: { required: true, fourEyes: true, minTimeout: '1 hour', allowApproveBestOnTimeout: false } };

test('an open policy changes nothing and reports nothing', () => {
  const r = resolveRunOptions(
    tenant({}),
    { options: { maxRounds: 5, ablations: { noSearch: true } }, review: { required: true, onTimeout: 'approve_best', timeout: '1 second' } },
    NO_REVIEW,
  );
  expect(r.clamped).toEqual([]);
  expect(r.options).toMatchObject({ maxRounds: 5, maxImages: 12, ablations: { noSearch: true } });
  expect(r.review).toEqual({ required: true, onTimeout: 'approve_best', timeout: '1 second' });
  expect(r.policyVersion).toBe(3);
});

test.each([
  ['options.maxRounds', { maxRounds: 2 }, { options: { maxRounds: 5 } }, 5, 2],
  ['options.maxImages', { maxImages: 1 }, { options: { maxImages: 4 } }, 4, 1],
  [
    'options.ablations.direct',
    { allowedAblations: ['noSearch'] as TenantPolicy['allowedAblations'] },
    { options: { ablations: { direct: true, noSearch: true } } },
    true,
    false,
  ],
  ['review.required', FOUR_EYES, { review: { required: false, onTimeout: 'expire' } as ReviewPolicy }, false, true],
  ['review.onTimeout', FOUR_EYES, { review: { required: true, onTimeout: 'approve_best' } as ReviewPolicy }, 'approve_best', 'expire'],
  ['review.timeout', FOUR_EYES, { review: { required: true, onTimeout: 'expire', timeout: '1 second' } as ReviewPolicy }, '1 second', '1 hour'],
  [
    'review.onTimeout',
    { review: { ...OPEN.review, allowApproveBestOnTimeout: false } },
    { review: { required: true, onTimeout: 'approve_best' } as ReviewPolicy },
    'approve_best',
    'expire',
  ],
  ['review.required', { review: { ...OPEN.review, required: true } }, { review: { required: false, onTimeout: 'expire' } as ReviewPolicy }, false, true],
] as const)('%s is clamped and reported', (field, policy, requested, asked, applied) => {
  const r = resolveRunOptions(tenant(policy as Partial<TenantPolicy>), requested, NO_REVIEW);
  expect(r.clamped).toEqual([expect.objectContaining({ field, requested: asked, applied })]);
  expect(describeClamps(r.clamped)[0]).toContain(`${field}: asked ${String(asked)}, got ${String(applied)} (tenant policy:`);
  const [top, key] = field.split('.') as [string, string];
  const got =
    top === 'review'
      ? (r.review as unknown as Record<string, unknown>)[key]
      : key === 'ablations'
        ? (r.options.ablations?.direct ?? false)
        : (r.options as Record<string, unknown>)[key];
  expect(got).toBe(applied);
});

test('what nobody asked for is raised to the rules without a report', () => {
  const r = resolveRunOptions(tenant({ ...FOUR_EYES, maxRounds: 1 }), {}, { required: false, onTimeout: 'approve_best', timeout: '1 second' });
  expect(r.clamped).toEqual([]);
  expect(r.review).toEqual({ required: true, onTimeout: 'expire', timeout: '1 hour' });
  expect(r.options.maxRounds).toBe(1);
});

test('a policy change is merged over the current policy and checked whole', () => {
  const four = { ...OPEN, ...FOUR_EYES };
  expect(applyPolicyChange(OPEN, { maxRounds: 2 })).toMatchObject({ success: true, data: { maxRounds: 2, maxImages: 12 } });
  expect(applyPolicyChange(four, { review: { minTimeout: null } })).toMatchObject({ success: true, data: { review: { fourEyes: true } } });
  expect(applyPolicyChange(four, { review: { minTimeout: null } }).data?.review).not.toHaveProperty('minTimeout');
  expect(applyPolicyChange(OPEN, { review: { fourEyes: true } }).data?.review).toEqual({ ...OPEN.review, fourEyes: true, allowApproveBestOnTimeout: false });
  expect(applyPolicyChange(OPEN, { review: { fourEyes: true, allowApproveBestOnTimeout: true } }).success).toBe(false);
  const broken = applyPolicyChange(four, { review: { allowApproveBestOnTimeout: true } });
  expect(broken.success).toBe(false);
  expect(broken.error?.issues[0]).toMatchObject({ path: ['review', 'allowApproveBestOnTimeout'], message: expect.stringMatching(/four-eyes/) });
  for (const bad of [
    {},
    { fairnessWeight: 0 },
    { priorityClass: 'urgent' },
    { maxRounds: 11 },
    { allowedAblations: ['noThinking'] },
    { tenantId: 'other' },
    { review: { minTimeout: 'soon' } },
  ]) {
    expect(tenantPolicyChangeSchema.safeParse(bad).success).toBe(false);
  }
});

test('an image set over the limit keeps the first images whose dependencies are kept, and names the cut ones', () => {
  const image = (id: string, dependsOn: string[] = []) => ({ id, brief: id, dependsOn });
  const plan: ContextPlan = {
    intent: 'a deck',
    questions: [],
    images: [image('cover'), image('detail', ['extra']), image('extra'), image('close', ['cover'])],
  };
  const cut = withinImageLimit(plan, 2);
  expect(cut.images.map((i) => i.id)).toEqual(['cover', 'extra']);
  expect(cut.droppedImages).toEqual(['detail', 'close']);
  expect(withinImageLimit(plan, 4)).toBe(plan);
  expect(withinImageLimit(plan, undefined)).toBe(plan);
});

test("a run's priority: its class's key, no better than the tenant's class (reported), its tenant as the fairness key", () => {
  expect(runPriority(tenant({ fairnessWeight: 3 }), 'interactive')).toEqual({
    priority: { priorityKey: PRIORITY_KEYS.interactive, fairnessKey: 't', fairnessWeight: 3 },
    priorityClass: 'interactive',
  });
  expect(runPriority(tenant({ priorityClass: 'batch' }), 'benchmark').priority.priorityKey).toBe(5);
  const lowered = runPriority(tenant({ priorityClass: 'batch' }), 'interactive');
  expect(lowered.priority.priorityKey).toBe(4);
  expect(lowered.clamp).toEqual({ field: 'priority', requested: 'interactive', applied: 'batch', rule: 'runs are dispatched as batch at best' });
  const long = 'a'.repeat(100);
  expect(new TextEncoder().encode(fairnessKey(long)).length).toBeLessThanOrEqual(64);
  expect(fairnessKey(long)).not.toBe(fairnessKey(`${'a'.repeat(99)}b`));
  expect(fairnessKey('acme')).toBe('acme');
});

test("doctor's policy-cache line: what a process last read, from its own metrics; nothing for a process that never read one", () => {
  const metrics = (age: number, stale: number) =>
    `# HELP image_agent_tenant_policy_read_age_seconds x\nimage_agent_tenant_policy_read_age_seconds ${age}\nimage_agent_tenant_policy_stale_reads_total ${stale}\n`;
  expect(policyCacheLine('api', metrics(12.4, 0))).toBe('      api: last read a tenant policy from Postgres 12 s ago');
  expect(policyCacheLine('api', metrics(95, 3))).toBe('      api: last read a tenant policy from Postgres 95 s ago; 3 starts used a stale one');
  expect(policyCacheLine('gpu-worker', metrics(-1, 0))).toBeUndefined();
  expect(policyCacheLine('api', 'image_agent_runs_total 4\n')).toBeUndefined();
});

test('an ETA reads as seconds, minutes or hours', () => {
  expect([formatEta(45), formatEta(89), formatEta(90), formatEta(720), formatEta(9000)]).toEqual(['45 s', '89 s', '2 min', '12 min', '2.5 h']);
});

test('allowedProviders: a request can only narrow them, every narrowing is reported, and null in a change allows every provider again', () => {
  const policy = tenant({ allowedProviders: ['openai', 'openai:backup'] });
  expect(resolveRunOptions(policy, {}, NO_REVIEW)).toMatchObject({ options: { providers: ['openai', 'openai:backup'] }, clamped: [] });
  expect(resolveRunOptions(policy, { options: { providers: ['openai:backup'] } }, NO_REVIEW)).toMatchObject({
    options: { providers: ['openai:backup'] },
    clamped: [],
  });
  const widened = resolveRunOptions(policy, { options: { providers: ['openai:backup', 'anthropic'] } }, NO_REVIEW);
  expect(widened.options.providers).toEqual(['openai:backup']);
  expect(widened.clamped).toEqual([
    { field: 'options.providers', requested: 'openai:backup,anthropic', applied: 'openai:backup', rule: 'providers allowed: openai, openai:backup' },
  ]);
  expect(resolveRunOptions(tenant({}), { options: { providers: ['anthropic'] } }, NO_REVIEW)).toMatchObject({
    options: { providers: ['anthropic'] },
    clamped: [],
  });
  const cleared = applyPolicyChange(policy.policy, tenantPolicyChangeSchema.parse({ allowedProviders: null }));
  expect(cleared.success && cleared.data.allowedProviders).toBeUndefined();
  expect(tenantPolicyChangeSchema.safeParse({ allowedProviders: ['Open AI'] }).success).toBe(false);
  expect(tenantPolicyChangeSchema.safeParse({ allowedProviders: [] }).success).toBe(false);
});

describe("a tenant's reminders and escalation", () => {
  const escalation = { reviewers: ['lead', 'qa.director@acme'], timeout: '2 days' };
  const rules = { review: { ...OPEN.review, remindAt: 0.75, escalation } };

  test('reach a run with a deadline; the request may change the reminder share, never the escalation, and nothing is reported', () => {
    const waiting = resolveRunOptions(tenant(rules), { review: { required: true, onTimeout: 'reject', timeout: '4 hours' } }, NO_REVIEW);
    expect(waiting.review).toEqual({ required: true, onTimeout: 'reject', timeout: '4 hours', remindAt: 0.75, escalation });
    expect(waiting.clamped).toEqual([]);
    const ownShare = resolveRunOptions(tenant(rules), { review: { required: true, onTimeout: 'reject', timeout: '4 hours', remindAt: 0 } }, NO_REVIEW);
    expect(ownShare.review.remindAt).toBe(0);
    // Without a deadline there is nothing to escalate at.
    expect(resolveRunOptions(tenant(rules), { review: { required: true, onTimeout: 'expire' } }, NO_REVIEW).review.escalation).toBeUndefined();
  });

  test('a change sets, checks and removes them', () => {
    const set = applyPolicyChange(OPEN, tenantPolicyChangeSchema.parse({ review: { remindAt: 0.5, escalation } }));
    expect(set.success && set.data.review).toMatchObject({ remindAt: 0.5, escalation });
    const removed = applyPolicyChange(set.data!, tenantPolicyChangeSchema.parse({ review: { remindAt: null, escalation: null } }));
    expect(removed.success && removed.data.review).toEqual(OPEN.review);
    for (const bad of [
      { review: { remindAt: 1 } },
      { review: { remindAt: -0.1 } },
      { review: { escalation: { reviewers: [], timeout: '1 day' } } },
      { review: { escalation: { reviewers: ['a b'], timeout: '1 day' } } },
      { review: { escalation: { reviewers: ['lead'], timeout: 'soon' } } },
      { review: { escalation: { reviewers: ['lead'] } } },
    ]) {
      expect(tenantPolicyChangeSchema.safeParse(bad).success).toBe(false);
    }
  });
});
