/**
 * A tenant's spend against its budgets, read from the spend ledger (providers/spend/spendLedger.ts): today's
 * and this month's counters, each user's today, and the reservations still open (calls in flight). One query
 * each, no waiting: `image-agent budget show` and `GET /v1/tenant/budget`.
 */
import type { AppConfig } from '../common/config';
import type { RunSpend } from '../common/runResult';
import { SpendLedger } from '../providers/spend/spendLedger';
import { poolFor } from './tenantPolicies';

export interface BudgetLine {
  /** tenant day, tenant month, or user <id> day. */
  budget: string;
  /** Settled spend plus what calls in flight reserved: what the budget has given out. */
  committedUsd: number;
  limitUsd?: number;
}

export interface TenantSpend {
  tenantId: string;
  day: string;
  lines: BudgetLine[];
  /** Reservations of calls in flight (their most, until settled). */
  inFlight: { calls: number; reservedUsd: number };
}

export async function tenantSpend(config: AppConfig, tenantId: string, now = new Date()): Promise<TenantSpend> {
  const pool = poolFor(config.databaseUrl);
  const day = now.toISOString().slice(0, 10);
  const month = day.slice(0, 7);
  const [counters, open] = await Promise.all([
    pool.query<{ key: string; limit_usd: string | null; committed_usd: string }>(
      `select key, limit_usd, committed_usd from spend_counters
        where tenant_id = $1 and (key = $2 or key = $3 or (key like 'user:%' and key like $4)) order by key`,
      [tenantId, `tenant:${tenantId}:day:${day}`, `tenant:${tenantId}:month:${month}`, `%:day:${day}`],
    ),
    pool.query<{ n: string; usd: string | null }>(
      `select count(*) as n, sum(reserved_usd) as usd from spend_reservations where tenant_id = $1 and state = 'reserved'`,
      [tenantId],
    ),
  ]);
  const lines = counters.rows.map((c) => {
    const parts = c.key.split(':');
    const budget = parts[0] === 'user' ? `user ${parts[2]} ${day}` : parts[2] === 'day' ? `tenant ${day}` : `tenant ${month}`;
    return { budget, committedUsd: Number(c.committed_usd), ...(c.limit_usd !== null ? { limitUsd: Number(c.limit_usd) } : {}) };
  });
  return { tenantId, day, lines, inFlight: { calls: Number(open.rows[0]?.n ?? 0), reservedUsd: Number(open.rows[0]?.usd ?? 0) } };
}

/** What the ledger charged one run so far: settled, and reserved by its calls in flight. */
export function runSpend(config: AppConfig, tenantId: string, workflowId: string): Promise<RunSpend> {
  return new SpendLedger(poolFor(config.databaseUrl)).runSpend(tenantId, workflowId);
}
