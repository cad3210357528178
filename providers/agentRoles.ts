/**
 * The model roles of the agent, one interface each. Each has an implementation over any vendor's chat model
 * (prompts + JSON schemas, providers/roles/) and a deterministic offline one (providers/offline/); each role's
 * vendor is chosen in configuration (providers/modelVendor.ts).
 */
import type { ContextItem, GroundedAnswer, MemoryContext, Source, UserProfile } from '../common/evidence';
import type { ChecklistItem, Feedback, GenerationContext, Verdict } from '../common/generation';
import type { Modelled } from '../common/modelCall';
import type { ContextPlan, PlannedImage } from '../common/plan';
import type { QuestionInput } from '../common/questionContext';
import type { HistoryTurn } from '../common/request';
import type { ImageJudge } from './imageJudge';

export interface PlanContextInput {
  request: string;
  /** Earlier turns the session judged relevant. */
  history: HistoryTurn[];
  inputImageCount: number;
  /** The run's date (YYYY-MM-DD), so "today" and "tomorrow" resolve. */
  today: string;
  /** The tenant's limit on images per request (absent in runs started before tenant policies). */
  maxImages?: number;
}

export interface ContextPlanner {
  planContext(input: PlanContextInput): Promise<Modelled<ContextPlan>>;
}

export interface ReasonInput {
  request: string;
  question: string;
  /** Answers of the questions this one depends on. */
  parents: GroundedAnswer[];
  today: string;
}

export interface Reasoner {
  answer(input: ReasonInput): Promise<Modelled<{ answer: string; items: ContextItem[] }>>;
}

export interface EvidenceDocument {
  url: string;
  title: string;
  text: string;
}

export interface SummarizeInput {
  request: string;
  question: string;
  documents: EvidenceDocument[];
  today: string;
}

export interface EvidenceSummarizer {
  /** Concise answers that keep their source URLs (only URLs among the documents). */
  summarize(input: SummarizeInput): Promise<Modelled<{ answer: string; items: ContextItem[] }>>;
}

export interface RankInput {
  request: string;
  question: string;
  candidates: { title: string; png: Buffer }[];
}

export interface ReferenceRanker {
  /** Keeps the candidates that really show the needed reference, best first. */
  rank(input: RankInput): Promise<Modelled<{ index: number; reason: string }[]>>;
}

export interface ComposeInput {
  request: string;
  plan: ContextPlan;
  /** The image being composed (one of plan.images). */
  image: PlannedImage;
  answers: GroundedAnswer[];
  memory?: MemoryContext;
  history: HistoryTurn[];
  /** Descriptions of the reference images that will go to the renderer. */
  references: { key: string; description: string }[];
  feedback?: Feedback;
  size: string;
  today: string;
}

export type GenerationContextDraft = Omit<GenerationContext, 'referenceKeys' | 'size' | 'seed'>;

export interface PromptComposer {
  compose(input: ComposeInput): Promise<Modelled<GenerationContextDraft>>;
}

export interface ChecklistInput {
  request: string;
  plan: ContextPlan;
  answers: GroundedAnswer[];
  memory?: MemoryContext;
}

export interface ChecklistPlanner {
  planChecklist(input: ChecklistInput): Promise<Modelled<ChecklistItem[]>>;
}

export interface CritiqueInput {
  request: string;
  png: Buffer;
  checklist: ChecklistItem[];
  references: Buffer[];
}

export interface ImageCritic {
  /** The vendor's name, as its call records carry it. */
  readonly provider: string;
  readonly model: string;
  critique(input: CritiqueInput): Promise<Modelled<Verdict[]>>;
}

export interface ProfileExtractor {
  /** Facts the request reveals about the user, to merge into the profile. */
  extract(input: { request: string; profile: UserProfile }): Promise<Modelled<UserProfile>>;
}

export interface ReviewRespondent {
  /** Answers a reviewer's question about a waiting run from the run's context alone; sources are among the context's. */
  respond(input: QuestionInput): Promise<Modelled<{ answer: string; sources: Source[] }>>;
}

export interface Embedder {
  readonly model: string;
  embed(texts: string[]): Promise<number[][]>;
}

/** Every model role, as one bundle built from configuration. */
export interface AgentModels {
  /** The configured vendors as one label (config.models.mode). */
  provider: string;
  planner: ContextPlanner;
  reasoner: Reasoner;
  summarizer: EvidenceSummarizer;
  ranker: ReferenceRanker;
  composer: PromptComposer;
  checklist: ChecklistPlanner;
  critic: ImageCritic;
  profiler: ProfileExtractor;
  /** The benchmark judge (temperature 0). */
  judge: ImageJudge;
  /** Answers reviewers' questions about waiting runs (the respond action). */
  respondent: ReviewRespondent;
  /** Absent offline: memory then retrieves by full-text search alone. */
  embedder?: Embedder;
}
