/**
 * `image-agent tenant`: a tenant's policy (show, set, list, changes) and re-enabling a tenant a whole-tenant erasure
 * disabled (security/tenantStatus.ts). The CLI is an operator's tool: it reads and changes any tenant's policy,
 * straight in Postgres, with every change recorded under `--by`. The API lets a tenant's own admins do the same.
 */
import { Option, type Command } from 'commander';
import { z } from 'zod';
import { generateRequestSchema } from '../../common/requestSchema';
import { ABLATION_NAMES, BUDGET_ACTIONS, PRIORITY_CLASSES, type TenantPolicy } from '../../common/tenantPolicy';
import { tenantPolicyChangeSchema, type TenantPolicyChange } from '../../common/tenantPolicySchema';
import { loadConfig } from '../../config/loadConfig';
import { resumePausedRuns } from './resumePausedRuns';
import { openObjectStore } from '../../security/objectEncryption';
import { enableTenant } from '../../security/tenantStatus';
import { tenantPolicies, type PolicyRead } from '../tenantPolicies';
import { UsageError } from '../usageError';
import { intOption, printJson } from './context';

const tenantFlags = z.object({ tenant: generateRequestSchema.shape.tenantId }).strict();

export function tenantOf(raw: { tenant?: unknown }, command: string): string {
  const parsed = tenantFlags.safeParse({ tenant: raw.tenant });
  if (!parsed.success) throw new UsageError(`tenant ${command}: --tenant: ${parsed.error.issues[0]?.message}`);
  return parsed.data.tenant;
}

const boolFlag = (name: string) => (v: string) => {
  if (v === 'true' || v === 'false') return v === 'true';
  throw new UsageError(`--${name} takes true or false, got "${v}"`);
};

interface SetFlags {
  maxRounds?: number;
  maxImages?: number;
  allowedAblations?: string;
  priorityClass?: string;
  fairnessWeight?: string;
  maxQueuedRuns?: number;
  maxOpenRuns?: number;
  reviewRequired?: boolean;
  fourEyes?: boolean;
  minReviewTimeout?: string;
  allowApproveBest?: boolean;
  remindAt?: string;
  escalateTo?: string;
  escalationTimeout?: string;
  dailyBudgetUsd?: string;
  monthlyBudgetUsd?: string;
  userDailyBudgetUsd?: string;
  runBudgetUsd?: string;
  batchBudgetUsd?: string;
  onBudgetExceeded?: string;
  allowedProviders?: string;
  expectedVersion?: number;
}

/** A budget flag: dollars, or "none" to remove the limit. */
const budgetValue = (v: string | undefined) => (v === undefined ? undefined : v === 'none' ? null : Number(v));

/** --escalate-to names the second group (or "none"), with --escalation-timeout for how long it has. */
function escalationChange(f: SetFlags): { escalation?: { reviewers: string[]; timeout?: string } | null } {
  if (f.escalateTo === 'none') return { escalation: null };
  if (f.escalateTo === undefined && f.escalationTimeout === undefined) return {};
  if (f.escalateTo === undefined || f.escalationTimeout === undefined) throw new UsageError('tenant set: --escalate-to and --escalation-timeout go together');
  return { escalation: { reviewers: f.escalateTo.split(',').map((r) => r.trim()), timeout: f.escalationTimeout } };
}

/** The flags as a policy change, validated whole at this edge (the same schema the API uses). */
function changeFromFlags(f: SetFlags): TenantPolicyChange {
  const review = {
    ...(f.reviewRequired !== undefined ? { required: f.reviewRequired } : {}),
    ...(f.fourEyes !== undefined ? { fourEyes: f.fourEyes } : {}),
    ...(f.minReviewTimeout !== undefined ? { minTimeout: f.minReviewTimeout === 'none' ? null : f.minReviewTimeout } : {}),
    ...(f.allowApproveBest !== undefined ? { allowApproveBestOnTimeout: f.allowApproveBest } : {}),
    ...(f.remindAt !== undefined ? { remindAt: f.remindAt === 'none' ? null : Number(f.remindAt) } : {}),
    ...escalationChange(f),
  };
  const budgets = Object.fromEntries(
    Object.entries({
      dailyUsd: budgetValue(f.dailyBudgetUsd),
      monthlyUsd: budgetValue(f.monthlyBudgetUsd),
      userDailyUsd: budgetValue(f.userDailyBudgetUsd),
      runUsd: budgetValue(f.runBudgetUsd),
      batchUsd: budgetValue(f.batchBudgetUsd),
      onExceeded: f.onBudgetExceeded,
    }).filter(([, v]) => v !== undefined),
  );
  const raw = {
    ...(Object.keys(review).length ? { review } : {}),
    ...(Object.keys(budgets).length ? { budgets } : {}),
    ...(f.maxRounds !== undefined ? { maxRounds: f.maxRounds } : {}),
    ...(f.maxImages !== undefined ? { maxImages: f.maxImages } : {}),
    ...(f.allowedAblations !== undefined
      ? {
          allowedAblations:
            f.allowedAblations === 'none'
              ? []
              : f.allowedAblations
                  .split(',')
                  .map((a) => a.trim())
                  .filter(Boolean),
        }
      : {}),
    ...(f.allowedProviders !== undefined
      ? {
          allowedProviders:
            f.allowedProviders === 'all'
              ? null
              : f.allowedProviders
                  .split(',')
                  .map((a) => a.trim())
                  .filter(Boolean),
        }
      : {}),
    ...(f.priorityClass !== undefined ? { priorityClass: f.priorityClass } : {}),
    ...(f.fairnessWeight !== undefined ? { fairnessWeight: Number(f.fairnessWeight) } : {}),
    ...(f.maxQueuedRuns !== undefined ? { maxQueuedRuns: f.maxQueuedRuns } : {}),
    ...(f.maxOpenRuns !== undefined ? { maxOpenRuns: f.maxOpenRuns } : {}),
    ...(f.expectedVersion !== undefined ? { expectedVersion: f.expectedVersion } : {}),
  };
  const parsed = tenantPolicyChangeSchema.safeParse(raw);
  if (!parsed.success) throw new UsageError(`tenant set: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'flags'}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

function printPolicy(read: PolicyRead, json: boolean | undefined): void {
  if (json) printJson(read);
  else console.log(describePolicy(read));
}

function describePolicy(read: PolicyRead): string {
  const p = read.policy;
  const r = p.review;
  return [
    `tenant            ${read.tenantId}`,
    `policy version    ${read.version}${read.source === 'default' ? ' (the configured defaults: nothing stored)' : ''}`,
    `review            ${r.fourEyes ? 'four-eyes' : r.required ? 'required' : 'as requested'}${r.minTimeout ? `, waits at least ${r.minTimeout}` : ''}${r.allowApproveBestOnTimeout ? '' : ', no approve_best on timeout'}`,
    `reminders         ${r.remindAt === 0 ? 'none' : `at ${Math.round((r.remindAt ?? 0.5) * 100)}% of a review deadline`}${r.escalation ? `; then escalated to ${r.escalation.reviewers.join(', ')} for ${r.escalation.timeout}` : ''}`,
    `max rounds        ${p.maxRounds}`,
    `max images        ${p.maxImages}`,
    `ablations allowed ${p.allowedAblations.join(', ') || 'none'}`,
    `priority class    ${p.priorityClass}`,
    `fairness weight   ${p.fairnessWeight}`,
    `max queued runs   ${p.maxQueuedRuns}`,
    `max open runs     ${p.maxOpenRuns}`,
    `budgets           ${describeBudgets(p.budgets)}`,
    `providers         ${p.allowedProviders?.join(', ') ?? 'every configured one'}`,
  ].join('\n');
}

function describeBudgets(b: TenantPolicy['budgets']): string {
  if (!b) return 'none';
  const limits = [
    b.dailyUsd !== undefined ? `$${b.dailyUsd} a day` : '',
    b.monthlyUsd !== undefined ? `$${b.monthlyUsd} a month` : '',
    b.userDailyUsd !== undefined ? `$${b.userDailyUsd} a user a day` : '',
    b.runUsd !== undefined ? `$${b.runUsd} a run` : '',
    b.batchUsd !== undefined ? `$${b.batchUsd} a batch` : '',
  ].filter(Boolean);
  return `${limits.join(', ') || 'no limits'}; past one: ${b.onExceeded}; warn at ${b.softLimitPercent}%`;
}

export function registerTenant(program: Command): void {
  const tenant = program.command('tenant').description('tenant policy and administration');
  tenant
    .command('show')
    .description('a tenant’s policy: what its runs may ask for, and its version')
    .requiredOption('--tenant <tenant>', 'the tenant')
    .option('--json', 'print JSON')
    .action(async (raw: { tenant?: string; json?: boolean }) => {
      printPolicy(await tenantPolicies(loadConfig()).current(tenantOf(raw, 'show')), raw.json);
    });
  tenant
    .command('set')
    .description('change a tenant’s policy (only the fields given); recorded with --by, the time, before and after')
    .requiredOption('--tenant <tenant>', 'the tenant')
    .option('--max-rounds <n>', 'renders per image at most (1-10)', intOption)
    .option('--max-images <n>', 'images per request at most (1-12)', intOption)
    .option('--allowed-providers <list>', 'model providers the tenant’s calls may go to, comma-separated (openai, openai:backup…), or "all"')
    .option('--allowed-ablations <list>', `ablations requests may use, comma-separated (${ABLATION_NAMES.join(', ')}), or "none"`)
    .addOption(new Option('--priority-class <class>', 'the best dispatch class of its runs').choices(PRIORITY_CLASSES))
    .option('--fairness-weight <w>', 'its share of the workers under load (0.01-1000)')
    .option('--max-queued-runs <n>', 'runs waiting to start work at most', intOption)
    .option('--max-open-runs <n>', 'runs open at once at most', intOption)
    .option('--review-required <bool>', 'every run waits for a reviewer (true|false)', boolFlag('review-required'))
    .option('--four-eyes <bool>', 'a reviewer other than the requester must approve (true|false)', boolFlag('four-eyes'))
    .option('--min-review-timeout <duration>', 'the shortest review wait a run may ask for, e.g. "1 hour", or "none"')
    .option('--allow-approve-best <bool>', 'a review timeout may approve the best candidate (true|false)', boolFlag('allow-approve-best'))
    .option('--remind-at <share>', 'remind reviewers at this share of a review deadline (0.5: halfway, 0: never), or "none" for the default')
    .option('--escalate-to <principals>', 'comma-separated reviewers a review passes to at its deadline, or "none"')
    .option('--escalation-timeout <duration>', 'how long an escalated review waits before its timeout policy applies, e.g. "1 day"')
    .option('--daily-budget-usd <usd>', 'the tenant’s spend per UTC day, or "none"')
    .option('--monthly-budget-usd <usd>', 'the tenant’s spend per UTC month, or "none"')
    .option('--user-daily-budget-usd <usd>', 'each user’s spend per UTC day, or "none"')
    .option('--run-budget-usd <usd>', 'each run’s spend (a request may lower its own), or "none"')
    .option('--batch-budget-usd <usd>', 'each batch’s spend, or "none"')
    .addOption(new Option('--on-budget-exceeded <action>', 'a call past a budget fails its run, or waits until the budget is raised').choices(BUDGET_ACTIONS))
    .option('--expected-version <n>', 'apply only if the policy is still at this version (from `tenant show`)', intOption)
    .addOption(new Option('--by <id>', 'who changes it (kept in the change record)').default(process.env.USER ?? 'cli', 'your login name'))
    .option('--json', 'print JSON')
    .action(async (raw: SetFlags & { tenant?: string; by: string; json?: boolean }) => {
      const tenantId = tenantOf(raw, 'set');
      const change = changeFromFlags(raw);
      printPolicy(await tenantPolicies(loadConfig()).change(tenantId, change, raw.by), raw.json);
      if (change.budgets) await resumePausedRuns(tenantId, raw.by);
    });
  tenant
    .command('list')
    .description('every tenant with a stored policy (the others run under the configured defaults)')
    .option('--json', 'print JSON')
    .action(async (raw: { json?: boolean }) => {
      const all = await tenantPolicies(loadConfig()).list();
      if (raw.json) printJson(all);
      else if (!all.length) console.log('no tenant has a stored policy: every tenant runs under the configured defaults (image-agent doctor shows them)');
      else
        for (const read of all)
          console.log(
            `${read.tenantId}  version ${read.version}  rounds ≤ ${read.policy.maxRounds}  images ≤ ${read.policy.maxImages}  ${read.policy.priorityClass}  weight ${read.policy.fairnessWeight}${read.policy.review.fourEyes ? '  four-eyes' : ''}`,
          );
    });
  tenant
    .command('changes')
    .description('a tenant’s policy changes, newest first: who, when, before and after')
    .requiredOption('--tenant <tenant>', 'the tenant')
    .option('--limit <n>', 'how many (default 20)', intOption)
    .option('--json', 'print JSON')
    .action(async (raw: { tenant?: string; limit?: number; json?: boolean }) => {
      const changes = await tenantPolicies(loadConfig()).changes(tenantOf(raw, 'changes'), raw.limit ?? 20);
      if (raw.json) printJson(changes);
      else if (!changes.length) console.log('no changes: the tenant runs under the configured defaults');
      else
        for (const c of changes)
          console.log(`version ${c.version}  ${c.changedAt}  by ${c.changedBy}${c.oldPolicy ? '' : '  (first change from the defaults)'}`);
    });
  tenant
    .command('enable')
    .description('re-enable a tenant disabled by a whole-tenant erasure: it may start runs again, under a new data key')
    .requiredOption('--tenant <tenant>', 'the tenant')
    .action(async (raw: { tenant?: string }) => {
      const tenantId = tenantOf(raw, 'enable');
      // Only object storage: the tenant's marker lives there (Temporal need not be up).
      const store = openObjectStore(loadConfig());
      try {
        const was = await enableTenant(store, tenantId);
        console.log(was ? `tenant ${tenantId} enabled` : `tenant ${tenantId} was not disabled`);
      } finally {
        store.destroy();
      }
    });
}
