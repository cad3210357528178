-- Applied only where the pgvector extension exists (PGlite has it; Debian 12's postgresql does not).
-- Embedding width is not fixed: models differ, and rows keep the model that made them.
create extension if not exists vector;
alter table knowledge_items add column if not exists embedding vector;
alter table knowledge_items add column if not exists embedding_model text;
alter table conversation_turns add column if not exists embedding vector;
alter table conversation_turns add column if not exists embedding_model text;
