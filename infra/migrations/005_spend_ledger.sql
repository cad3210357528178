-- The spend ledger (providers/spend/spendLedger.ts). A counter per budget and period holds what is reserved or
-- spent against it; a reservation moves every counter it touches in one transaction, only if each has room,
-- so concurrent calls cannot overshoot. Each paid call's reservation is kept: reserved, then settled to the
-- vendor's actual usage, or released when the call failed.
create table if not exists spend_counters (
  key           text primary key,
  tenant_id     text not null,
  -- null: tracked, no limit
  limit_usd     numeric,
  committed_usd numeric not null default 0,
  updated_at    timestamptz not null default now()
);

create table if not exists spend_reservations (
  -- workflow id / activity id / attempt / call: a retried call reserves under a new id, and its attempt's reservation is closed first
  id            text primary key,
  tenant_id     text not null,
  user_id       text not null,
  workflow_id   text not null,
  activity_key  text not null,
  counter_keys  text[] not null,
  model         text not null,
  reserved_usd  numeric not null,
  actual_usd    numeric,
  state         text not null check (state in ('reserved', 'settled', 'released')),
  created_at    timestamptz not null default now(),
  closed_at     timestamptz
);

create index if not exists spend_reservations_by_run on spend_reservations (tenant_id, workflow_id);
create index if not exists spend_reservations_by_activity on spend_reservations (activity_key) where state = 'reserved';
