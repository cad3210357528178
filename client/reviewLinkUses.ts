/**
 * Which review links were used (`review_link_uses`, infra/migrations/007): a link opens its review once. One
 * statement per open, which also clears rows a day past their expiry. Postgres down: the open fails with the
 * database named (502, as every route answers it) and the link stays unused, so the reviewer can try it again; no link is let through
 * because its use could not be recorded.
 */
import { poolFor } from './tenantPolicies';

export type LinkUse = { used: true } | { used: false; by: string; at: string };

/** Records the link's use by `by`; if it was used before, who used it and when. */
export async function useReviewLink(
  databaseUrl: string,
  link: { nonce: string; tenant: string; workflowId: string; expiresAt: Date },
  by: string,
): Promise<LinkUse> {
  const { rows } = await poolFor(databaseUrl).query<{ inserted: boolean; used_by: string; used_at: Date }>(
    `with expired as (delete from review_link_uses where expires_at < now() - interval '1 day'),
          added as (
            insert into review_link_uses (nonce, tenant_id, workflow_id, used_by, expires_at) values ($1, $2, $3, $4, $5)
            on conflict (nonce) do nothing
            returning true as inserted, used_by, used_at)
     select inserted, used_by, used_at from added
     union all
     select false, used_by, used_at from review_link_uses where nonce = $1 and not exists (select 1 from added)`,
    [link.nonce, link.tenant, link.workflowId, by, link.expiresAt],
  );
  const row = rows[0];
  if (!row || row.inserted) return { used: true };
  return { used: false, by: row.used_by, at: new Date(row.used_at).toISOString() };
}

/** Whether the link was used already (for the page a link opens, before anyone signs in). */
export async function reviewLinkUse(databaseUrl: string, nonce: string): Promise<{ by: string; at: string } | undefined> {
  const { rows } = await poolFor(databaseUrl).query<{ used_by: string; used_at: Date }>('select used_by, used_at from review_link_uses where nonce = $1', [
    nonce,
  ]);
  return rows[0] ? { by: rows[0].used_by, at: new Date(rows[0].used_at).toISOString() } : undefined;
}
