/**
 * Tombstones of erased users (`erasure_tombstones`, infra/migrations/003): `erase --user` writes one, and every
 * start path reads them (client/startRefusal.ts), so an erased user's data is not written again by a new run
 * for `IMAGE_AGENT_ERASURE_TOMBSTONE` (30 days by default). Keyed by tenant and the pseudonymous user tag
 * (common/userTag.ts), never the user id. Postgres down: both wait within the outage window, then fail; a
 * start is never let through because the table could not be read.
 */
import type { Pool } from 'pg';
import type { AppConfig } from '../common/config';
import { poolFor } from './tenantPolicies';
import { waitingOutPostgres } from './outageWait';
import { ImageAgentError } from '../common/imageAgentError';

/** A start for a user an erasure tombstoned (the API answers 409). */
export class UserErasedError extends ImageAgentError {
  override name = 'UserErasedError';
  constructor(
    readonly tenant: string,
    readonly until: Date,
  ) {
    super(`this user of tenant ${tenant} was erased: new runs for them are refused until ${until.toISOString()}`, { retryable: false, httpStatus: 409 });
  }
}

/** Records (or extends) the user's tombstone; returns until when their starts are refused. */
export async function tombstoneUser(config: AppConfig, pool: Pool, tenant: string, tag: string, at: Date): Promise<Date> {
  const until = new Date(at.getTime() + config.erasure.tombstoneMs);
  const { rows } = await waitingOutPostgres(config, 'record the erasure tombstone', () =>
    pool.query<{ until: Date }>(
      `insert into erasure_tombstones (tenant_id, user_tag, erased_at, until) values ($1, $2, $3, $4)
       on conflict (tenant_id, user_tag) do update set erased_at = excluded.erased_at, until = greatest(erasure_tombstones.until, excluded.until)
       returning until`,
      [tenant, tag, at, until],
    ),
  );
  return new Date(rows[0]!.until);
}

/** The latest tombstone still in force among these tags of the tenant, if any: one indexed query. */
export async function tombstonedUntil(config: AppConfig, tenant: string, tags: readonly string[]): Promise<Date | undefined> {
  if (tags.length === 0) return undefined;
  const { rows } = await waitingOutPostgres(config, 'check erasure tombstones before a start', () =>
    poolFor(config.databaseUrl).query<{ until: Date }>(
      'select max(until) as until from erasure_tombstones where tenant_id = $1 and user_tag = any($2::text[]) and until > now()',
      [tenant, [...new Set(tags)]],
    ),
  );
  return rows[0]?.until ? new Date(rows[0].until) : undefined;
}
