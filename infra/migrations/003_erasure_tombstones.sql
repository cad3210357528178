-- Users erased by `image-agent erase --user`: new runs for them are refused until `until`. Keyed by the
-- pseudonymous user tag (common/userTag.ts), never the user id, so the table itself holds no personal data.
create table if not exists erasure_tombstones (
  tenant_id  text not null,
  user_tag   text not null,
  erased_at  timestamptz not null default now(),
  until      timestamptz not null,
  primary key (tenant_id, user_tag)
);
