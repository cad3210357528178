/**
 * The spend ledger in Postgres (infra/migrations/005): before a paid model call, a reservation for its most
 * it can cost; after it, the reservation settled to what the vendor's usage says it cost, or released when
 * the call failed. Each budget (the tenant's day and month, the user's day, the batch, the run) is a counter;
 * a reservation moves every counter it touches in one transaction, and only when each has room, after
 * locking them in one order, so concurrent calls on any number of workers cannot overshoot. A reservation's
 * id is its call's (workflow, activity, attempt, call): a retried attempt reserves anew, and first closes what
 * an earlier attempt of the same activity left open (a worker that died mid-call) at its full reserved amount,
 * since the vendor may have been paid. The limits are read from the tenant's stored policy at each
 * reservation, so a run paused at its budget gate goes on once an admin has raised the budget.
 */
import type { Pool, PoolClient } from 'pg';
import { ImageAgentError } from '../../common/imageAgentError';
import { FailureType } from '../../common/failureTypes';
import type { TenantBudgets } from '../../common/tenantPolicy';
import type { RunSpend } from '../../common/runResult';
import { budgetsSchema } from '../../common/tenantPolicySchema';
import { budgetSoftLimits, spendReservations } from '../../telemetry/appMetrics';

/** Who a call spends for, from the activity's headers (workflows/tenantHeader.ts). */
export interface SpendScope {
  tenantId: string;
  userId: string;
  workflowId: string;
  /** The batch a case run belongs to. */
  batchId?: string;
  /** The request's own limit for the run: it can only lower the tenant's. */
  runBudgetUsd?: number;
  /** workflow id / activity id: the attempts of one activity share it. */
  activityKey: string;
  attempt: number;
}

interface Budget {
  key: string;
  /** What a refusal names: "the tenant's daily budget". */
  label: string;
  limitUsd: number | undefined;
}

/**
 * A budget had no room for the call: the run fails, typed, naming it; or, under `pause`, the activity fails
 * as BudgetPaused and the run waits at its budget gate (workflows/budgetGate.ts). Neither is retried by
 * Temporal: nothing changes until someone raises the budget or it renews.
 */
export class BudgetExceededError extends ImageAgentError {
  override name = 'BudgetExceededError';
  constructor(
    message: string,
    readonly budget: string,
    readonly pause: boolean,
  ) {
    super(message, {
      failureType: pause ? FailureType.BudgetPaused : FailureType.BudgetExceeded,
      retryable: false,
      httpStatus: 402,
      dependency: 'model',
      details: [{ budget }],
    });
  }
}

const usd = (n: number) => `$${n.toFixed(n < 1 ? 4 : 2)}`;

/** The budgets a call of `scope` counts against, at `now` (UTC day and month). */
export function budgetsFor(scope: SpendScope, budgets: TenantBudgets | undefined, now: Date): Budget[] {
  const day = now.toISOString().slice(0, 10);
  const month = day.slice(0, 7);
  const t = scope.tenantId;
  const run = [budgets?.runUsd, scope.runBudgetUsd].filter((v): v is number => v !== undefined);
  return [
    { key: `tenant:${t}:day:${day}`, label: `the tenant's daily budget (${day})`, limitUsd: budgets?.dailyUsd },
    { key: `tenant:${t}:month:${month}`, label: `the tenant's monthly budget (${month})`, limitUsd: budgets?.monthlyUsd },
    { key: `user:${t}:${scope.userId}:day:${day}`, label: `user ${scope.userId}'s daily budget (${day})`, limitUsd: budgets?.userDailyUsd },
    { key: `run:${t}:${scope.workflowId}`, label: `run ${scope.workflowId}'s budget`, limitUsd: run.length ? Math.min(...run) : undefined },
    ...(scope.batchId ? [{ key: `batch:${t}:${scope.batchId}`, label: `batch ${scope.batchId}'s budget`, limitUsd: budgets?.batchUsd }] : []),
  ];
}

export class SpendLedger {
  constructor(private readonly pool: Pool) {}

  /** Reserves `maxUsd` for call `call` of the scope's attempt; refused with BudgetExceededError. Returns the reservation's id. */
  async reserve(scope: SpendScope, call: number, model: string, maxUsd: number): Promise<string> {
    const id = `${scope.activityKey}/${scope.attempt}/${call}`;
    return this.transaction(async (db) => {
      await settleEarlierAttempts(db, scope);
      if ((await db.query('select 1 from spend_reservations where id = $1', [id])).rowCount) return id;
      const { rows } = await db.query<{ budgets: unknown }>(`select policy->'budgets' as budgets from tenant_policies where tenant_id = $1`, [scope.tenantId]);
      const stored = rows[0]?.budgets ? budgetsSchema.safeParse(rows[0].budgets) : undefined;
      // A stored budget this build cannot read is never taken for "no limit": the call is not made, and is retried (a fixed row lets it through).
      if (stored && !stored.success) throw new Error(`the stored budgets of tenant ${scope.tenantId} are not valid: ${stored.error.issues[0]?.message}`);
      const tenantBudgets = stored?.data;
      const budgets = budgetsFor(scope, tenantBudgets, new Date());
      const keys = budgets.map((b) => b.key);
      await db.query(
        `insert into spend_counters (key, tenant_id, limit_usd) select k, $2, l from unnest($1::text[], $3::numeric[]) as u(k, l)
         on conflict (key) do update set limit_usd = excluded.limit_usd`,
        [keys, scope.tenantId, budgets.map((b) => b.limitUsd ?? null)],
      );
      // One lock order for every transaction: two reservations over the same counters never deadlock.
      const counters = await db.query<{ key: string; limit_usd: string | null; committed_usd: string }>(
        'select key, limit_usd, committed_usd from spend_counters where key = any($1) order by key for update',
        [keys],
      );
      for (const c of counters.rows) {
        if (c.limit_usd === null || Number(c.committed_usd) + maxUsd <= Number(c.limit_usd) + 1e-9) continue;
        const budget = budgets.find((b) => b.key === c.key)!;
        // A run's own budget is never raised by anyone: waiting for it would only hold the run until its window ends.
        const pause = tenantBudgets?.onExceeded === 'pause' && !c.key.startsWith('run:');
        spendReservations.inc({ outcome: pause ? 'paused' : 'refused' });
        throw new BudgetExceededError(
          `${budget.label} of ${usd(Number(c.limit_usd))} has ${usd(Math.max(0, Number(c.limit_usd) - Number(c.committed_usd)))} left, and this ${model} call may cost ${usd(maxUsd)}${pause ? ': the run waits at its budget gate until the budget is raised or renews, or an admin stops it' : ''}`,
          budget.label,
          pause,
        );
      }
      await db.query('update spend_counters set committed_usd = committed_usd + $2, updated_at = now() where key = any($1)', [keys, maxUsd]);
      await db.query(
        `insert into spend_reservations (id, tenant_id, user_id, workflow_id, activity_key, counter_keys, model, reserved_usd, state)
         values ($1, $2, $3, $4, $5, $6, $7, $8, 'reserved')`,
        [id, scope.tenantId, scope.userId, scope.workflowId, scope.activityKey, keys, model, maxUsd],
      );
      spendReservations.inc({ outcome: 'reserved' });
      const percent = tenantBudgets?.softLimitPercent ?? 80;
      for (const c of counters.rows) {
        const limit = Number(c.limit_usd);
        if (c.limit_usd === null || Number(c.committed_usd) >= (percent / 100) * limit || Number(c.committed_usd) + maxUsd < (percent / 100) * limit) continue;
        budgetSoftLimits.inc({ tenant: scope.tenantId, budget: c.key.split(':')[0]! });
        // The warning's webhook, in this transaction: once per counter and limit (a raised limit warns again), never lost.
        if (tenantBudgets?.alertWebhookUrl)
          await db.query(
            `insert into budget_alerts (id, tenant_id, budget, limit_usd, committed_usd, percent) values ($1, $2, $3, $4, $5, $6) on conflict (id) do nothing`,
            [`${c.key}@${limit}`, scope.tenantId, budgets.find((b) => b.key === c.key)!.label, limit, Number(c.committed_usd) + maxUsd, percent],
          );
      }
      return id;
    });
  }

  /**
   * Before a retried attempt runs: what an earlier attempt of the activity left reserved (its worker died
   * mid-call, or after the call and before settling) is settled in full, since the vendor may have been paid.
   * A retry that makes no call (a render uploaded from its spool) would otherwise leave it open.
   */
  async settleEarlierAttempts(scope: Pick<SpendScope, 'activityKey' | 'attempt'>): Promise<void> {
    if (scope.attempt > 1) await settleEarlierAttempts(this.pool, scope);
  }

  /** The call cost `actualUsd`: the counters give back what was reserved beyond it. */
  settle(id: string, actualUsd: number): Promise<void> {
    return this.close(id, actualUsd, 'settled');
  }

  /** The call failed before the vendor charged for it: everything reserved is given back. */
  release(id: string): Promise<void> {
    return this.close(id, 0, 'released');
  }

  /** A run's spend: settled, and still reserved (a call in flight); and the budgets its latest call counted against. */
  async runSpend(tenantId: string, workflowId: string): Promise<RunSpend> {
    const [spent, counters] = await Promise.all([
      this.pool.query<{ settled: string | null; reserved: string | null; calls: string }>(
        `select sum(actual_usd) filter (where state = 'settled') as settled, sum(reserved_usd) filter (where state = 'reserved') as reserved, count(*) as calls
           from spend_reservations where tenant_id = $1 and workflow_id = $2`,
        [tenantId, workflowId],
      ),
      this.pool.query<{ key: string; limit_usd: string | null; committed_usd: string }>(
        `select c.key, c.limit_usd, c.committed_usd from spend_counters c
           join (select counter_keys from spend_reservations where tenant_id = $1 and workflow_id = $2 order by created_at desc limit 1) latest
             on c.key = any(latest.counter_keys) order by c.key`,
        [tenantId, workflowId],
      ),
    ]);
    const row = spent.rows[0];
    return {
      settledUsd: Number(row?.settled ?? 0),
      reservedUsd: Number(row?.reserved ?? 0),
      calls: Number(row?.calls ?? 0),
      ...(counters.rows.length
        ? {
            budgets: counters.rows.map((c) => ({
              budget: counterLabel(c.key),
              committedUsd: Number(c.committed_usd),
              ...(c.limit_usd !== null ? { limitUsd: Number(c.limit_usd) } : {}),
            })),
          }
        : {}),
    };
  }

  /** A batch's spend: what its calls settled and still reserve, and the batch budget its counter holds. */
  async batchSpend(tenantId: string, batchId: string): Promise<{ settledUsd: number; reservedUsd: number; calls: number; limitUsd?: number }> {
    const key = `batch:${tenantId}:${batchId}`;
    const [spent, counter] = await Promise.all([
      this.pool.query<{ settled: string | null; reserved: string | null; calls: string }>(
        `select sum(actual_usd) filter (where state = 'settled') as settled, sum(reserved_usd) filter (where state = 'reserved') as reserved, count(*) as calls
           from spend_reservations where tenant_id = $1 and $2 = any(counter_keys)`,
        [tenantId, key],
      ),
      this.pool.query<{ limit_usd: string | null }>('select limit_usd from spend_counters where key = $1', [key]),
    ]);
    const limit = counter.rows[0]?.limit_usd;
    return {
      settledUsd: Number(spent.rows[0]?.settled ?? 0),
      reservedUsd: Number(spent.rows[0]?.reserved ?? 0),
      calls: Number(spent.rows[0]?.calls ?? 0),
      ...(limit !== null && limit !== undefined ? { limitUsd: Number(limit) } : {}),
    };
  }

  private async close(id: string, actualUsd: number, state: 'settled' | 'released'): Promise<void> {
    await this.transaction(async (db) => {
      const { rows } = await db.query<{ counter_keys: string[]; reserved_usd: string }>(
        `select counter_keys, reserved_usd from spend_reservations where id = $1 and state = 'reserved' for update`,
        [id],
      );
      const r = rows[0];
      if (!r) return; // closed already (a retried settle)
      await db.query('select key from spend_counters where key = any($1) order by key for update', [r.counter_keys]);
      await db.query('update spend_counters set committed_usd = committed_usd + $2, updated_at = now() where key = any($1)', [
        r.counter_keys,
        actualUsd - Number(r.reserved_usd),
      ]);
      await db.query('update spend_reservations set state = $2, actual_usd = $3, closed_at = now() where id = $1', [id, state, actualUsd]);
    });
  }

  private async transaction<T>(fn: (db: PoolClient) => Promise<T>): Promise<T> {
    const db = await this.pool.connect();
    try {
      await db.query('begin');
      const out = await fn(db);
      await db.query('commit');
      return out;
    } catch (err) {
      await db.query('rollback').catch(() => undefined);
      throw err;
    } finally {
      db.release();
    }
  }
}

/** A counter's key as the budget it is: `tenant:acme:day:2026-12-04` → "the tenant's daily budget (2026-12-04)". */
function counterLabel(key: string): string {
  const [kind, , a, b] = key.split(':');
  if (kind === 'tenant') return a === 'day' ? `the tenant's daily budget (${b})` : `the tenant's monthly budget (${b})`;
  if (kind === 'user') return `user ${a}'s daily budget (${key.split(':')[4]})`;
  if (kind === 'run') return "the run's budget";
  return `batch ${a}'s budget`;
}

/** Counters already hold the reserved amount, so settling it in full changes only the reservation. */
async function settleEarlierAttempts(db: Pick<Pool, 'query'>, scope: Pick<SpendScope, 'activityKey' | 'attempt'>): Promise<void> {
  await db.query(
    `update spend_reservations set state = 'settled', actual_usd = reserved_usd, closed_at = now()
      where activity_key = $1 and state = 'reserved' and id not like $2`,
    [scope.activityKey, `${scope.activityKey}/${scope.attempt}/%`],
  );
}
