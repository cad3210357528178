-- Budget warnings waiting to be delivered (providers/spend/budgetAlerts.ts): an outbox. The reservation that
-- takes a counter past the tenant's soft limit inserts the warning in its own transaction, once per counter
-- (the id is the counter's key), so a warning is neither lost with a crashed worker nor sent twice; worker
-- processes claim due rows with skip locked and deliver them to the tenant's alertWebhookUrl.
create table if not exists budget_alerts (
  id              text primary key,
  tenant_id       text not null,
  budget          text not null,
  limit_usd       numeric not null,
  committed_usd   numeric not null,
  percent         int not null,
  created_at      timestamptz not null default now(),
  attempts        int not null default 0,
  next_attempt_at timestamptz not null default now(),
  delivered_at    timestamptz,
  -- a receiver's 4xx, or too many attempts: not tried again
  given_up_at     timestamptz,
  last_error      text
);

create index if not exists budget_alerts_due on budget_alerts (next_attempt_at) where delivered_at is null and given_up_at is null;
