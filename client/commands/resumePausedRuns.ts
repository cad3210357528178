/** What `budget set` and `tenant set` do after changing a tenant's budgets. */
import { resumeBudgetGates } from '../budgetGates';
import { withGenerations } from './context';

/**
 * After a budget change, the tenant's paused runs try their call again at once (a run still past a budget
 * pauses again). The change is saved first: with Temporal unreachable the runs find it at their next recheck.
 */
export async function resumePausedRuns(tenantId: string, by: string): Promise<void> {
  try {
    const { resumed, failed } = await withGenerations((g) => resumeBudgetGates(g.client, tenantId, `operator-${by}`));
    if (resumed.length || failed.length) console.log(`resumed ${resumed.length} run(s) paused at their budget gate`);
    for (const f of failed) console.error(`  ${f.workflowId} not resumed: ${f.error}`);
  } catch (err) {
    console.error(
      `the budget is saved, but paused runs were not resumed now (${(err as Error).message}); they try again by themselves (after 1, 5, then every 30 minutes)`,
    );
  }
}
