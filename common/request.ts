/** A generation request as the GenerateImage workflow receives it (already validated at the edge). */
import type { ContextPlan, PlannedImage } from './plan';
import type { GroundedAnswer, MemoryContext } from './evidence';
import type { ChecklistItem } from './generation';
import type { ReviewAuth } from './decisionSignature';
import type { ReviewPolicy } from './review';
import type { Clamp } from './resolveRunOptions';

/** Parts of the agent switched off, as in the paper's ablations (Table 4). */
export interface Ablations {
  noReason?: boolean;
  noSearch?: boolean;
  noMemory?: boolean;
  noFeedback?: boolean;
  /** The image model alone: no planning, grounding, composing or critique. */
  direct?: boolean;
}

export interface GenerateOptions {
  /** Renders at most, feedback rounds included (the paper: 3). */
  maxRounds: number;
  size: string;
  seed?: number;
  ablations: Ablations;
  /**
   * How long the run waits out a dependency's outage (model endpoint, search, S3, Postgres, a worker)
   * before the stage gives up, e.g. "10 minutes" (docs/operations.md, "Outages"). Unset: the default window.
   */
  outageWindow?: string;
  /** Images per request at most (the tenant's policy sets it at start; a plan with more is cut to this many). */
  maxImages?: number;
  /** The run's spend limit in US dollars: it can only lower the tenant's run budget (providers/spend/spendLedger.ts). */
  budgetUsd?: number;
  /** The providers the run's model calls may go to (link names); it can only narrow the tenant's allowedProviders. */
  providers?: string[];
}

export const DEFAULT_OPTIONS: GenerateOptions = { maxRounds: 3, size: '1024x1024', ablations: {} };

/** An earlier turn of the conversation, as the Session workflow hands it on. */
export interface HistoryTurn {
  index: number;
  workflowId: string;
  request: string;
  prompt?: string;
  imageKeys: string[];
}

/** One image of a multi-image request, with the context its parent already grounded. */
export interface ImagePart {
  imageIndex: number;
  image: PlannedImage;
  plan: ContextPlan;
  answers: GroundedAnswer[];
  memory?: MemoryContext;
  checklist: ChecklistItem[];
  /** Final images of the images this one depends on: references for a consistent set. */
  dependencyImageKeys: string[];
}

export interface GenerateImageInput {
  request: string;
  tenantId: string;
  userId: string;
  sessionId?: string;
  /** Reference images the user supplied, already in object storage. */
  inputImageKeys?: string[];
  history?: HistoryTurn[];
  options?: Partial<GenerateOptions>;
  /** Human review; the client fills it from configuration when the request does not say. */
  review?: ReviewPolicy;
  /**
   * Where the webhook URL is kept (an object key): called, signed and retried, when review is needed and when the
   * run ends. Webhook URLs often carry a secret (Slack-style), so the URL itself stays out of the history.
   */
  webhook?: { key: string };
  /**
   * Set by the API: the public key review decisions must be signed with, the requesting principal and the
   * tenant's four-eyes policy. Without it (runs started before principals existed) decisions are unsigned.
   * legacy-read: unsigned-decisions
   */
  reviewAuth?: ReviewAuth;
  /**
   * The tenant policy the run was started under (common/resolveRunOptions.ts): its version, and what it changed of
   * the request. Set by every start path; absent in runs started before tenant policies existed.
   */
  policy?: RunPolicy;
}

export interface RunPolicy {
  version: number;
  clamped: Clamp[];
}
