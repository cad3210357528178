/**
 * Per-user memory in Postgres: tenants and users, a JSON profile, conversation turns and knowledge items.
 * Retrieval is full-text search everywhere, fused with pgvector similarity where the extension and an
 * embedding model exist; what enters the context is cut to a character budget by relevance.
 * Writes are idempotent per workflow id, so a retried activity adds nothing twice.
 */
import type { Pool, PoolClient } from 'pg';
import type { KnowledgeHit, MemoryContext, RememberedTurn, UserProfile } from '../common/evidence';

export interface RecallQuery {
  tenantId: string;
  userId: string;
  query: string;
  /** Turns already in the context (the current session's), not to be repeated. */
  excludeWorkflowIds?: string[];
  budgetChars: number;
  embedding?: { vector: number[]; model: string };
}

export interface TurnToRemember {
  tenantId: string;
  userId: string;
  sessionId: string;
  workflowId: string;
  request: string;
  composedPrompt?: string;
  imageKeys: string[];
  summary?: string;
  embedding?: { vector: number[]; model: string };
}

const CANDIDATES = 20;

/** Compare-and-set tries for a profile update before giving up (the activity's retry then tries again). */
const PROFILE_UPDATE_TRIES = 50;

export class MemoryStore {
  private vectorColumns: Promise<boolean> | undefined;

  constructor(private readonly pool: Pool) {}

  /** True where the pgvector migration applied (PGlite by default; not Debian's stock server). */
  /** Whether the embedding columns exist; the answer is kept, a failure is not (the store may be back next time). */
  hasVector(): Promise<boolean> {
    this.vectorColumns ??= this.pool
      .query(`select 1 from information_schema.columns where table_name = 'conversation_turns' and column_name = 'embedding'`)
      .then((r) => r.rowCount === 1)
      .catch((err: unknown) => {
        this.vectorColumns = undefined;
        throw err;
      });
    return this.vectorColumns;
  }

  async ensureUser(tenantId: string, userId: string, client: Pick<PoolClient, 'query'> = this.pool): Promise<void> {
    await client.query('insert into tenants (id) values ($1) on conflict do nothing', [tenantId]);
    await client.query('insert into users (tenant_id, id) values ($1, $2) on conflict do nothing', [tenantId, userId]);
  }

  async getProfile(tenantId: string, userId: string): Promise<UserProfile> {
    const res = await this.pool.query<{ profile: UserProfile }>('select profile from users where tenant_id = $1 and id = $2', [tenantId, userId]);
    return res.rows[0]?.profile ?? {};
  }

  async recall(q: RecallQuery): Promise<MemoryContext> {
    const profile = await this.getProfile(q.tenantId, q.userId);
    const terms = tsTerms(q.query);
    const vector = q.embedding && (await this.hasVector()) ? q.embedding : undefined;
    const exclude = q.excludeWorkflowIds ?? [];

    const turnLists: { id: string; row: TurnRow }[][] = [];
    const knowledgeLists: { id: string; row: KnowledgeRow }[][] = [];
    if (terms) {
      const turns = await this.pool.query<TurnRow>(
        `select workflow_id, session_id, request, coalesce(summary, composed_prompt, '') as summary, image_keys, created_at
           from conversation_turns, to_tsquery('english', $3) query
          where tenant_id = $1 and user_id = $2 and search @@ query and not (workflow_id = any($4))
          order by ts_rank(search, query) desc, created_at desc limit ${CANDIDATES}`,
        [q.tenantId, q.userId, terms, exclude],
      );
      turnLists.push(turns.rows.map((row) => ({ id: row.workflow_id, row })));
      const knowledge = await this.pool.query<KnowledgeRow>(
        `select id, title, body, image_key, source from knowledge_items, to_tsquery('english', $3) query
          where tenant_id = $1 and (user_id = $2 or user_id is null) and search @@ query
          order by ts_rank(search, query) desc limit ${CANDIDATES}`,
        [q.tenantId, q.userId, terms],
      );
      knowledgeLists.push(knowledge.rows.map((row) => ({ id: row.id, row })));
    }
    if (vector) {
      const literal = `[${vector.vector.join(',')}]`;
      const turns = await this.pool.query<TurnRow>(
        `select workflow_id, session_id, request, coalesce(summary, composed_prompt, '') as summary, image_keys, created_at
           from conversation_turns
          where tenant_id = $1 and user_id = $2 and embedding_model = $3 and not (workflow_id = any($5))
          order by embedding <=> $4::vector limit ${CANDIDATES}`,
        [q.tenantId, q.userId, vector.model, literal, exclude],
      );
      turnLists.push(turns.rows.map((row) => ({ id: row.workflow_id, row })));
      const knowledge = await this.pool.query<KnowledgeRow>(
        `select id, title, body, image_key, source from knowledge_items
          where tenant_id = $1 and (user_id = $2 or user_id is null) and embedding_model = $3
          order by embedding <=> $4::vector limit ${CANDIDATES}`,
        [q.tenantId, q.userId, vector.model, literal],
      );
      knowledgeLists.push(knowledge.rows.map((row) => ({ id: row.id, row })));
    }

    // Reciprocal-rank fusion of the two rankings, then the budget: best first until it is spent.
    const rankedTurns = fuse(turnLists);
    const rankedKnowledge = fuse(knowledgeLists);
    let budget = q.budgetChars - JSON.stringify(profile).length;
    let dropped = 0;
    const turns: RememberedTurn[] = [];
    const knowledge: KnowledgeHit[] = [];
    for (const { kind, row } of interleave(rankedTurns, rankedKnowledge)) {
      const item = kind === 'turn' ? toTurn(row as TurnRow) : toKnowledge(row as KnowledgeRow);
      const cost = JSON.stringify(item).length;
      if (cost > budget) {
        dropped += 1;
        continue;
      }
      budget -= cost;
      if (kind === 'turn') turns.push(item as RememberedTurn);
      else knowledge.push(item as KnowledgeHit);
    }
    return {
      profile,
      turns,
      knowledge,
      retrieval: {
        method: terms || vector ? (vector ? 'full_text+embeddings' : 'full_text') : 'none',
        consideredTurns: rankedTurns.length,
        consideredKnowledge: rankedKnowledge.length,
        droppedForBudget: dropped,
      },
    };
  }

  /** Writes the turn once per workflow id; returns whether this call inserted it. */
  async rememberTurn(t: TurnToRemember): Promise<boolean> {
    await this.ensureUser(t.tenantId, t.userId);
    const vector = t.embedding && (await this.hasVector()) ? t.embedding : undefined;
    const res = await this.pool.query(
      `insert into conversation_turns (tenant_id, user_id, session_id, workflow_id, request, composed_prompt, image_keys, summary${vector ? ', embedding, embedding_model' : ''})
       values ($1, $2, $3, $4, $5, $6, $7, $8${vector ? ', $9::vector, $10' : ''})
       on conflict do nothing`,
      [
        t.tenantId,
        t.userId,
        t.sessionId,
        t.workflowId,
        t.request,
        t.composedPrompt ?? null,
        JSON.stringify(t.imageKeys),
        t.summary ?? null,
        ...(vector ? [`[${vector.vector.join(',')}]`, vector.model] : []),
      ],
    );
    return res.rowCount === 1;
  }

  /**
   * Merges facts into the profile once per workflow id; returns the profile after. The change and its
   * record are one statement, compare-and-set on the profile's version: the embedded server (PGlite over
   * pglite-socket) multiplexes every connection onto one session, so a transaction that spans several
   * round trips is not isolated there — another connection's statements would run inside it.
   */
  async applyProfileUpdate(tenantId: string, userId: string, workflowId: string, facts: UserProfile): Promise<{ applied: boolean; profile: UserProfile }> {
    await this.ensureUser(tenantId, userId);
    for (let tries = 0; tries < PROFILE_UPDATE_TRIES; tries++) {
      const current = await this.pool.query<{ profile: UserProfile; version: string }>(
        'select profile, updated_at::text as version from users where tenant_id = $1 and id = $2',
        [tenantId, userId],
      );
      const before = current.rows[0]?.profile ?? {};
      const after = mergeProfile(before, facts);
      const res = await this.pool.query<{ already: boolean; applied: boolean }>(
        `with already as (select 1 from profile_updates where tenant_id = $1 and user_id = $2 and workflow_id = $3),
              upd as (update users set profile = $4, updated_at = clock_timestamp()
                      where tenant_id = $1 and id = $2 and updated_at::text = $5 and not exists (select 1 from already) returning 1),
              ins as (insert into profile_updates (tenant_id, user_id, workflow_id, facts) select $1, $2, $3, $6 from upd on conflict do nothing returning 1)
         select exists (select 1 from already) as already, exists (select 1 from ins) as applied`,
        [tenantId, userId, workflowId, JSON.stringify(after), current.rows[0]?.version ?? '', JSON.stringify(facts)],
      );
      const row = res.rows[0];
      if (row?.already) return { applied: false, profile: before };
      if (row?.applied) return { applied: true, profile: after };
      // Another run changed the profile between the read and the write: read it again, after a short
      // random pause so that runs writing the same profile at once stop colliding.
      await new Promise((r) => setTimeout(r, 5 + Math.random() * 20));
    }
    throw new Error(`the profile of ${userId} kept changing under ${PROFILE_UPDATE_TRIES} updates; try again`);
  }

  async addKnowledge(item: {
    id: string;
    tenantId: string;
    userId?: string;
    title: string;
    body: string;
    imageKey?: string;
    source?: string;
    embedding?: { vector: number[]; model: string };
  }): Promise<void> {
    await this.pool.query('insert into tenants (id) values ($1) on conflict do nothing', [item.tenantId]);
    const vector = item.embedding && (await this.hasVector()) ? item.embedding : undefined;
    await this.pool.query(
      `insert into knowledge_items (id, tenant_id, user_id, title, body, image_key, source${vector ? ', embedding, embedding_model' : ''})
       values ($1, $2, $3, $4, $5, $6, $7${vector ? ', $8::vector, $9' : ''})
       on conflict (id) do update set title = excluded.title, body = excluded.body, image_key = excluded.image_key, source = excluded.source`,
      [
        item.id,
        item.tenantId,
        item.userId ?? null,
        item.title,
        item.body,
        item.imageKey ?? null,
        item.source ?? null,
        ...(vector ? [`[${vector.vector.join(',')}]`, vector.model] : []),
      ],
    );
  }
}

interface TurnRow {
  workflow_id: string;
  session_id: string;
  request: string;
  summary: string;
  image_keys: string[];
  created_at: Date;
}

interface KnowledgeRow {
  id: string;
  title: string;
  body: string;
  image_key: string | null;
  source: string | null;
}

function toTurn(row: TurnRow): RememberedTurn {
  return {
    workflowId: row.workflow_id,
    sessionId: row.session_id,
    request: row.request,
    summary: row.summary.slice(0, 600),
    imageKeys: row.image_keys,
    createdAt: row.created_at.toISOString(),
  };
}

function toKnowledge(row: KnowledgeRow): KnowledgeHit {
  return {
    id: row.id,
    title: row.title,
    body: row.body.slice(0, 1200),
    ...(row.image_key ? { imageKey: row.image_key } : {}),
    ...(row.source ? { source: row.source } : {}),
  };
}

/** An OR query over the request's words, safe for to_tsquery (letters and digits only). */
function tsTerms(text: string): string | undefined {
  const words = [...new Set(text.toLowerCase().match(/[\p{L}\p{N}]{3,}/gu) ?? [])].slice(0, 24);
  return words.length ? words.join(' | ') : undefined;
}

function fuse<T>(lists: { id: string; row: T }[][]): T[] {
  const scores = new Map<string, { score: number; row: T }>();
  for (const list of lists) {
    list.forEach(({ id, row }, rank) => {
      const entry = scores.get(id) ?? { score: 0, row };
      entry.score += 1 / (60 + rank);
      scores.set(id, entry);
    });
  }
  return [...scores.values()].sort((a, b) => b.score - a.score).map((e) => e.row);
}

function* interleave(turns: TurnRow[], knowledge: KnowledgeRow[]): Generator<{ kind: 'turn' | 'knowledge'; row: TurnRow | KnowledgeRow }> {
  for (let i = 0; i < Math.max(turns.length, knowledge.length); i++) {
    if (turns[i]) yield { kind: 'turn', row: turns[i]! };
    if (knowledge[i]) yield { kind: 'knowledge', row: knowledge[i]! };
  }
}

/** Later statements win for single facts; lists are unions; a new dislike removes the same like. */
export function mergeProfile(current: UserProfile, update: UserProfile): UserProfile {
  const union = (a: string[] = [], b: string[] = []) => [...new Set([...a, ...b].map((s) => s.trim()).filter(Boolean))];
  const dislikes = union(current.dislikes, update.dislikes);
  const likes = union(current.likes, update.likes).filter((l) => !dislikes.includes(l));
  const merged: UserProfile = {
    ...current,
    ...(update.identity ? { identity: update.identity } : {}),
    ...(update.profession ? { profession: update.profession } : {}),
    ...(update.preferredStyle ? { preferredStyle: update.preferredStyle } : {}),
    facts: { ...current.facts, ...update.facts },
  };
  if (likes.length) merged.likes = likes;
  if (dislikes.length) merged.dislikes = dislikes;
  if (!Object.keys(merged.facts ?? {}).length) delete merged.facts;
  return merged;
}
