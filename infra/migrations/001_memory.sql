-- Tenants, users and their memory: profile, conversation turns, knowledge items.
create table if not exists tenants (
  id          text primary key,
  created_at  timestamptz not null default now()
);

create table if not exists users (
  tenant_id   text not null references tenants(id),
  id          text not null,
  -- identity, profession, preferred style, dislikes...: one JSON document, merged per run
  profile     jsonb not null default '{}'::jsonb,
  created_at  timestamptz not null default now(),
  updated_at  timestamptz not null default now(),
  primary key (tenant_id, id)
);

-- One row per profile change, keyed by the run that made it, so a retried activity changes nothing twice.
create table if not exists profile_updates (
  tenant_id    text not null,
  user_id      text not null,
  workflow_id  text not null,
  facts        jsonb not null,
  created_at   timestamptz not null default now(),
  primary key (tenant_id, user_id, workflow_id),
  foreign key (tenant_id, user_id) references users(tenant_id, id)
);

create table if not exists conversation_turns (
  tenant_id        text not null,
  user_id          text not null,
  session_id       text not null,
  workflow_id      text not null,
  request          text not null,
  composed_prompt  text,
  image_keys       jsonb not null default '[]'::jsonb,
  summary          text,
  created_at       timestamptz not null default now(),
  search           tsvector generated always as (
                     to_tsvector('english', coalesce(request, '') || ' ' || coalesce(summary, '') || ' ' || coalesce(composed_prompt, ''))
                   ) stored,
  primary key (tenant_id, user_id, workflow_id),
  foreign key (tenant_id, user_id) references users(tenant_id, id)
);
create index if not exists conversation_turns_session on conversation_turns (tenant_id, user_id, session_id, created_at);
create index if not exists conversation_turns_search on conversation_turns using gin (search);

-- External text/image knowledge: per user, or tenant-wide when user_id is null.
create table if not exists knowledge_items (
  id          text primary key,
  tenant_id   text not null references tenants(id),
  user_id     text,
  title       text not null,
  body        text not null default '',
  image_key   text,
  source      text,
  created_at  timestamptz not null default now(),
  search      tsvector generated always as (to_tsvector('english', title || ' ' || body)) stored
);
create index if not exists knowledge_items_owner on knowledge_items (tenant_id, user_id);
create index if not exists knowledge_items_search on knowledge_items using gin (search);
