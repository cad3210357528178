/**
 * `image-agent budget show|set`: a tenant's spend against its budgets, and its budgets (the tenant policy's
 * `budgets`, changed and recorded like any policy change), and the runs paused at their budget gate: resumed
 * when a budget changes, or one by one with `budget resume|stop`. An operator's tool; a tenant's own principals
 * read the same through `GET /v1/tenant/budget`, and its admins change it through `POST /v1/tenant/policy`.
 */
import { Option, type Command } from 'commander';
import { BUDGET_ACTIONS } from '../../common/tenantPolicy';
import { tenantPolicyChangeSchema } from '../../common/tenantPolicySchema';
import { loadConfig } from '../../config/loadConfig';
import { tenantPolicies } from '../tenantPolicies';
import { tenantSpend } from '../tenantSpend';
import { UsageError } from '../usageError';
import { decideBudgetGate, pausedRuns } from '../budgetGates';
import { resumePausedRuns } from './resumePausedRuns';
import { printJson, withGenerations } from './context';
import { tenantOf } from './tenant';

const dollars = (usd: number) => `$${usd.toFixed(usd < 10 ? 4 : 2)}`;
const limitValue = (v: string | undefined) => (v === undefined ? undefined : v === 'none' ? null : Number(v));

export function registerBudget(program: Command): void {
  const budget = program.command('budget').description('a tenant’s spend against its budgets, and its budgets');
  budget
    .command('show')
    .description('today’s and this month’s spend, each user’s today, and the calls in flight, against the limits')
    .requiredOption('--tenant <tenant>', 'the tenant')
    .option('--json', 'print JSON')
    .action(async (raw: { tenant: string; json?: boolean }) => {
      const config = loadConfig();
      const tenantId = tenantOf(raw, 'show');
      const [spend, policy, paused] = await Promise.all([
        tenantSpend(config, tenantId),
        tenantPolicies(config).current(tenantId),
        withGenerations((g) => pausedRuns(g.client, tenantId)),
      ]);
      if (raw.json) return printJson({ ...spend, budgets: policy.policy.budgets ?? null, paused });
      const b = policy.policy.budgets;
      console.log(`tenant     ${tenantId} (policy version ${policy.version}; past a budget a call ${b?.onExceeded === 'pause' ? 'waits' : 'fails its run'})`);
      if (!spend.lines.length) console.log('spend      nothing yet today');
      for (const l of spend.lines)
        console.log(
          `${l.budget.padEnd(28)} ${dollars(l.committedUsd)}${l.limitUsd !== undefined ? ` of ${dollars(l.limitUsd)} (${Math.round((100 * l.committedUsd) / l.limitUsd)}%)` : ' (no limit)'}`,
        );
      console.log(`in flight  ${spend.inFlight.calls} calls, up to ${dollars(spend.inFlight.reservedUsd)} reserved`);
      if (b?.runUsd !== undefined || b?.batchUsd !== undefined)
        console.log(
          `per run ${b.runUsd !== undefined ? dollars(b.runUsd) : 'no limit'}, per batch ${b.batchUsd !== undefined ? dollars(b.batchUsd) : 'no limit'}`,
        );
      console.log(`paused     ${paused.length} run(s) at their budget gate`);
      for (const p of paused) console.log(`  ${p.workflowId}  ${p.gate ? `${p.gate.budget}, since ${p.gate.since}` : ''}`);
    });
  for (const [name, decision, what] of [
    ['resume', 'resume', 'try a paused run’s refused call again now (after raising the budget)'],
    ['stop', 'stop', 'fail a paused run, naming the budget it is paused at'],
  ] as const)
    budget
      .command(name)
      .description(what)
      .argument('<workflowId>')
      .option('--reason <text>', 'kept with the decision in the run’s history')
      .addOption(new Option('--by <id>', 'who decides (recorded as operator-<id>)').default(process.env.USER ?? 'cli', 'your login name'))
      .action((workflowId: string, raw: { reason?: string; by: string }) =>
        withGenerations(async (g) => {
          const answer = await decideBudgetGate(g.client, workflowId, { decision, by: `operator-${raw.by}`, ...(raw.reason ? { reason: raw.reason } : {}) });
          console.log(`${workflowId}: ${answer.decision === 'resume' ? 'resumed' : 'stopped'} (${answer.calls} call(s) were waiting)`);
        }),
      );
  budget
    .command('set')
    .description('change a tenant’s budgets (only those given; "none" removes one), recorded as a policy change')
    .requiredOption('--tenant <tenant>', 'the tenant')
    .option('--daily-usd <usd>', 'the tenant’s spend per UTC day')
    .option('--monthly-usd <usd>', 'the tenant’s spend per UTC month')
    .option('--user-daily-usd <usd>', 'each user’s spend per UTC day')
    .option('--run-usd <usd>', 'each run’s spend')
    .option('--batch-usd <usd>', 'each batch’s spend')
    .addOption(new Option('--on-exceeded <action>', 'a call past a budget fails its run, or waits until the budget is raised').choices(BUDGET_ACTIONS))
    .option('--warn-percent <n>', 'the share of a budget at which a warning is given')
    .option('--alert-webhook-url <url>', 'where warnings are POSTed, signed (or "none")')
    .addOption(new Option('--by <id>', 'who changes it (kept in the change record)').default(process.env.USER ?? 'cli', 'your login name'))
    .action(
      async (raw: {
        tenant: string;
        dailyUsd?: string;
        monthlyUsd?: string;
        userDailyUsd?: string;
        runUsd?: string;
        batchUsd?: string;
        onExceeded?: string;
        warnPercent?: string;
        alertWebhookUrl?: string;
        by: string;
      }) => {
        const budgets = Object.fromEntries(
          Object.entries({
            dailyUsd: limitValue(raw.dailyUsd),
            monthlyUsd: limitValue(raw.monthlyUsd),
            userDailyUsd: limitValue(raw.userDailyUsd),
            runUsd: limitValue(raw.runUsd),
            batchUsd: limitValue(raw.batchUsd),
            onExceeded: raw.onExceeded,
            softLimitPercent: raw.warnPercent === undefined ? undefined : Number(raw.warnPercent),
            alertWebhookUrl: raw.alertWebhookUrl === 'none' ? null : raw.alertWebhookUrl,
          }).filter(([, v]) => v !== undefined),
        );
        const parsed = tenantPolicyChangeSchema.safeParse({ budgets });
        if (!parsed.success || !Object.keys(budgets).length)
          throw new UsageError(
            `budget set: ${parsed.success ? 'give at least one budget' : parsed.error.issues.map((i) => `${i.path.slice(1).join('.')}: ${i.message}`).join('; ')}`,
          );
        const tenantId = tenantOf(raw, 'set');
        const read = await tenantPolicies(loadConfig()).change(tenantId, parsed.data, raw.by);
        console.log(`tenant ${tenantId}: policy version ${read.version}, budgets ${JSON.stringify(read.policy.budgets)}`);
        await resumePausedRuns(tenantId, raw.by);
      },
    );
}
