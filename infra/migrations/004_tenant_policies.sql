-- Each tenant's policy (common/tenantPolicy.ts), versioned: a tenant without a row runs under the configured
-- defaults (version 0). Every change is kept in tenant_policy_changes: who, when, the policy before and after.
create table if not exists tenant_policies (
  tenant_id  text primary key,
  version    integer not null check (version > 0),
  policy     jsonb not null,
  updated_at timestamptz not null default now(),
  updated_by text not null
);

create table if not exists tenant_policy_changes (
  tenant_id  text not null,
  version    integer not null,
  changed_at timestamptz not null default now(),
  changed_by text not null,
  -- null: the tenant ran under the configured defaults before this change
  old_policy jsonb,
  new_policy jsonb not null,
  primary key (tenant_id, version)
);
