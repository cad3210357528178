/**
 * Tenant policies in Postgres (`tenant_policies`, `tenant_policy_changes`; infra/migrations/004): read on every
 * start path, changed by an admin (`image-agent tenant set`, `PUT /v1/tenant/policy`), every change kept with who,
 * when, and the policy before and after. A tenant without a row runs under the configured defaults, version 0.
 *
 * Reads are cached per process for IMAGE_AGENT_TENANT_POLICY_CACHE_SECONDS. With Postgres down a start uses the
 * last policy this process read, however old (the answer says how old), and waits out the outage window only when
 * it never read one: a start never fails for that reason within the window, and never runs without its tenant's
 * rules. Changes wait out the outage like any other write. The process's /metrics says how long ago it last read
 * one and how many starts used a stale one; `doctor` prints both for the local stack's API.
 */
import type { Pool } from 'pg';
import type { AppConfig } from '../common/config';
import { findImageAgentError, ImageAgentError } from '../common/imageAgentError';
import type { TenantPolicy, VersionedTenantPolicy } from '../common/tenantPolicy';
import { applyPolicyChange, tenantPolicySchema, type TenantPolicyChange } from '../common/tenantPolicySchema';
import { InvalidRequestError } from '../common/requestSchema';
import { checkWebhookTarget } from './webhookTarget';
import { linkNamed } from '../providers/fallback/modelChains';
import { createPool } from '../providers/database';
import { policyReadFromPostgres, tenantPolicyStaleReads } from '../telemetry/appMetrics';
import { waitingOutPostgres } from './outageWait';

/** A change raced another one, or named a version that is no longer current (the API answers 409). */
export class PolicyVersionConflictError extends ImageAgentError {
  override name = 'PolicyVersionConflictError';
  constructor(message: string) {
    super(message, { retryable: false, httpStatus: 409 });
  }
}

export interface PolicyRead extends VersionedTenantPolicy {
  /** 'default': the tenant has no stored policy. */
  source: 'stored' | 'default';
  /** Set when Postgres could not be read and the policy is the last one this process read. */
  staleForMs?: number;
}

/**
 * A policy as the API shows it: the budget warnings' URL cut to its origin, since it may carry a secret (a
 * Slack-style path, a query token) and every principal of the tenant may read the policy.
 */
export function shownPolicy<P extends TenantPolicy | null>(policy: P): P {
  const url = policy?.budgets?.alertWebhookUrl;
  if (!policy || !url) return policy;
  return { ...policy, budgets: { ...policy.budgets!, alertWebhookUrl: `${new URL(url).origin}/…` } };
}

export interface PolicyChangeRecord {
  tenantId: string;
  version: number;
  changedAt: string;
  changedBy: string;
  /** Null: the configured defaults. */
  oldPolicy: TenantPolicy | null;
  newPolicy: TenantPolicy;
}

/** The policy of a tenant that has none stored: the configured defaults, with the four-eyes settings' review rules. */
function defaultTenantPolicy(config: Pick<AppConfig, 'tenants' | 'security'>, tenantId: string): TenantPolicy {
  const fourEyes = config.security.fourEyesTenants.includes('*') || config.security.fourEyesTenants.includes(tenantId);
  return {
    ...config.tenants.defaults,
    allowedAblations: [...config.tenants.defaults.allowedAblations],
    review: fourEyes
      ? { required: true, fourEyes: true, minTimeout: config.security.fourEyesMinReviewTimeout, allowApproveBestOnTimeout: false }
      : { required: false, fourEyes: false, allowApproveBestOnTimeout: true },
  };
}

const pools = new Map<string, Pool>();
/** One small pool per database for the client side (policies, spend). */
export function poolFor(databaseUrl: string): Pool {
  let pool = pools.get(databaseUrl);
  if (!pool) pools.set(databaseUrl, (pool = createPool(databaseUrl, 2, { allowExitOnIdle: true })));
  return pool;
}

/** What this process last read, per database and tenant. */
const cache = new Map<string, { read: PolicyRead; at: number }>();

const isPostgresOutage = (err: unknown): boolean => {
  const known = findImageAgentError(err);
  return known?.dependency === 'postgres' && known.retryable;
};

interface PolicyRow {
  version: number;
  policy: unknown;
}

function fromRow(config: AppConfig, tenantId: string, row: PolicyRow | undefined): PolicyRead {
  if (!row) return { tenantId, version: 0, policy: defaultTenantPolicy(config, tenantId), source: 'default' };
  // A row written by an older build may lack a field added since: the defaults fill it, then it is checked whole.
  const parsed = tenantPolicySchema.safeParse({ ...defaultTenantPolicy(config, tenantId), ...(row.policy as object) });
  if (!parsed.success)
    // A row this build cannot read is the server's problem, not the caller's: a 500 that names it in the log.
    throw new Error(`the stored policy of tenant ${tenantId} (version ${row.version}) is not valid: ${parsed.error.issues[0]?.message}`);
  return { tenantId, version: row.version, policy: parsed.data, source: 'stored' };
}

export function tenantPolicies(config: AppConfig, pool: Pool = poolFor(config.databaseUrl)) {
  const select = (tenantId: string) =>
    pool.query<PolicyRow>('select version, policy from tenant_policies where tenant_id = $1', [tenantId]).then((r) => fromRow(config, tenantId, r.rows[0]));

  return {
    /** The policy a start of the tenant runs under now. */
    async current(tenantId: string): Promise<PolicyRead> {
      const key = `${config.databaseUrl}\u0000${tenantId}`;
      const cached = cache.get(key);
      if (cached && Date.now() - cached.at < config.tenants.policyCacheMs) return cached.read;
      const remember = (read: PolicyRead) => {
        cache.set(key, { read, at: Date.now() });
        policyReadFromPostgres();
        return read;
      };
      try {
        return remember(await select(tenantId));
      } catch (err) {
        if (!isPostgresOutage(err)) throw err;
        if (cached) {
          tenantPolicyStaleReads.inc();
          return { ...cached.read, staleForMs: Date.now() - cached.at };
        }
        return remember(await waitingOutPostgres(config, `read the policy of tenant ${tenantId}`, () => select(tenantId)));
      }
    },

    /** Applies a change as `changedBy`; the new version, or 409 when `expectedVersion` is no longer current. */
    async change(tenantId: string, change: TenantPolicyChange, changedBy: string): Promise<PolicyRead> {
      const alertUrl = change.budgets?.alertWebhookUrl;
      if (alertUrl) checkWebhookTarget(alertUrl, config.webhooks.allowHosts, 'budgets.alertWebhookUrl');
      const unknown = change.allowedProviders?.find((p) => !linkNamed(p).vendor);
      if (unknown) throw new InvalidRequestError(`invalid policy: allowedProviders: unknown model vendor ${JSON.stringify(unknown.split(':')[0])}`);
      const read = await waitingOutPostgres(config, `change the policy of tenant ${tenantId}`, async () => {
        const client = await pool.connect();
        try {
          await client.query('begin');
          const { rows } = await client.query<PolicyRow>('select version, policy from tenant_policies where tenant_id = $1 for update', [tenantId]);
          const before = fromRow(config, tenantId, rows[0]);
          if (change.expectedVersion !== undefined && change.expectedVersion !== before.version) {
            throw new PolicyVersionConflictError(
              `the policy of tenant ${tenantId} is at version ${before.version}, not ${change.expectedVersion}: read it again and retry`,
            );
          }
          const next = applyPolicyChange(before.policy, change);
          if (!next.success) throw new InvalidRequestError(`invalid policy: ${next.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
          const version = before.version + 1;
          // Two first changes racing: the second insert finds the row and changes nothing, so it is refused, not lost.
          const written = await client.query(
            `insert into tenant_policies (tenant_id, version, policy, updated_by) values ($1, $2, $3::jsonb, $4)
             on conflict (tenant_id) do update set version = excluded.version, policy = excluded.policy, updated_at = now(), updated_by = excluded.updated_by
             where tenant_policies.version = $5`,
            [tenantId, version, JSON.stringify(next.data), changedBy, before.version],
          );
          if (written.rowCount !== 1)
            throw new PolicyVersionConflictError(`the policy of tenant ${tenantId} changed at the same moment: read it again and retry`);
          await client.query(
            'insert into tenant_policy_changes (tenant_id, version, changed_by, old_policy, new_policy) values ($1, $2, $3, $4::jsonb, $5::jsonb)',
            [tenantId, version, changedBy, before.source === 'stored' ? JSON.stringify(before.policy) : null, JSON.stringify(next.data)],
          );
          await client.query('commit');
          return { tenantId, version, policy: next.data, source: 'stored' as const };
        } catch (err) {
          await client.query('rollback').catch(() => undefined);
          throw err;
        } finally {
          client.release();
        }
      });
      cache.set(`${config.databaseUrl}\u0000${tenantId}`, { read, at: Date.now() });
      return read;
    },

    /** How many tenants have a stored policy, and when the last change was: one query, no waiting (for doctor). */
    async overview(): Promise<{ stored: number; lastChange?: string }> {
      const { rows } = await pool.query<{ stored: string; last: Date | null }>('select count(*) as stored, max(updated_at) as last from tenant_policies');
      return { stored: Number(rows[0]?.stored ?? 0), ...(rows[0]?.last ? { lastChange: new Date(rows[0].last).toISOString() } : {}) };
    },

    /** Every tenant with a stored policy. */
    async list(): Promise<PolicyRead[]> {
      const { rows } = await waitingOutPostgres(config, 'list tenant policies', () =>
        pool.query<PolicyRow & { tenant_id: string }>('select tenant_id, version, policy from tenant_policies order by tenant_id'),
      );
      return rows.map((r) => fromRow(config, r.tenant_id, r));
    },

    /** The tenant's policy changes, newest first. */
    async changes(tenantId: string, limit = 50): Promise<PolicyChangeRecord[]> {
      const { rows } = await waitingOutPostgres(config, `read the policy changes of tenant ${tenantId}`, () =>
        pool.query<{ version: number; changed_at: Date; changed_by: string; old_policy: TenantPolicy | null; new_policy: TenantPolicy }>(
          'select version, changed_at, changed_by, old_policy, new_policy from tenant_policy_changes where tenant_id = $1 order by version desc limit $2',
          [tenantId, limit],
        ),
      );
      return rows.map((r) => ({
        tenantId,
        version: r.version,
        changedAt: new Date(r.changed_at).toISOString(),
        changedBy: r.changed_by,
        oldPolicy: r.old_policy,
        newPolicy: r.new_policy,
      }));
    },
  };
}
