/** What grounding produces: answers to the plan's questions, each with its sources, and memory. */
import type { ModelCallRecord } from './modelCall';
import type { Route } from './plan';
import type { ImageRef } from './types';

export interface Source {
  title: string;
  url: string;
}

/** One explicit piece of context, and where it came from (empty for pure reasoning). */
export interface ContextItem {
  text: string;
  sources: Source[];
}

export type AnswerStatus = 'answered' | 'no_answer' | 'skipped';

export interface GroundedAnswer {
  questionId: string;
  question: string;
  route: Route;
  status: AnswerStatus;
  /** Concise answer; empty when skipped (an ablation) or when nothing was found. */
  answer: string;
  items: ContextItem[];
  /** Kept reference images (image search), stored in S3. */
  references: ImageRef[];
  /** The backend that answered: a model, a search backend, memory. */
  via: string;
  calls: ModelCallRecord[];
  durationMs: number;
  /** Why it was skipped or unanswered. */
  note?: string;
  /** The relevance gate's scores: what was kept and what was dropped, and why (absent for reasoning). */
  relevance?: RelevanceRecord;
}

/** What the relevance gate kept and dropped for one question, with its method and threshold. */
export interface RelevanceRecord {
  method: 'key_terms' | 'key_terms+embeddings';
  threshold: number;
  minSimilarity?: number;
  kept: { label: string; score: number; similarity?: number }[];
  dropped: { label: string; score: number; similarity?: number; reason: string }[];
}

export interface UserProfile {
  identity?: string;
  profession?: string;
  preferredStyle?: string;
  likes?: string[];
  dislikes?: string[];
  /** Anything else the user revealed, as short key/value facts. */
  facts?: Record<string, string>;
}

export interface RememberedTurn {
  workflowId: string;
  sessionId: string;
  request: string;
  summary: string;
  imageKeys: string[];
  createdAt: string;
}

export interface KnowledgeHit {
  id: string;
  title: string;
  body: string;
  imageKey?: string;
  source?: string;
}

/** What memory contributes to one request, already cut to the context budget. */
export interface MemoryContext {
  profile: UserProfile;
  turns: RememberedTurn[];
  knowledge: KnowledgeHit[];
  /** How retrieval ranked (full-text, embeddings, both) and what was left out for the budget. */
  retrieval: { method: 'full_text' | 'full_text+embeddings' | 'none'; consideredTurns: number; consideredKnowledge: number; droppedForBudget: number };
}
