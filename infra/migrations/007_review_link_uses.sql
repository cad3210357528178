-- Review links that were used (security/reviewLinks.ts): a link opens a run's review once. The API inserts the
-- link's id when a signed-in reviewer opens it; a second open finds the row and is refused with who used it and
-- when. Rows are kept a day past the link's expiry, to answer "already used" rather than "expired" meanwhile.
create table if not exists review_link_uses (
  nonce       text primary key,
  tenant_id   text not null,
  workflow_id text not null,
  used_by     text not null,
  used_at     timestamptz not null default now(),
  expires_at  timestamptz not null
);
create index if not exists review_link_uses_expires on review_link_uses (expires_at);
