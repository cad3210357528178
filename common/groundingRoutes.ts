/**
 * The grounding routes: every source a planned question can be routed to, one row each. The planner's
 * prompt, the schema of its answer, the workflow's activity stubs and question dispatch, the ablation that
 * skips a route, the grounding metric and the claim check of model-call records all read this table, so a
 * new route is a provider, an activity and one row here. Pure constants: workflow code imports it.
 */

const MINUTE = 60_000;

/** The ablation switches that skip grounding routes (keys of `Ablations`), with the note a skipped question carries. */
export const GROUNDING_ABLATIONS = {
  noReason: 'reasoning is switched off (--no-reason)',
  noSearch: 'search is switched off (--no-search)',
  noMemory: 'memory is switched off (--no-memory)',
} as const;

/** How long a route's activity may take; retries follow the shared policy of workflows/activityStubs.ts. */
export interface GroundingTimeouts {
  /** One attempt (start-to-close). */
  attemptMs: number;
  /**
   * Set when the route gives up before the run's outage window: its whole budget, attempts included, so
   * the run goes on without the source rather than wait. Unset: retried for the whole window.
   */
  giveUpAfterMs?: number;
}

export interface GroundingRouteRow {
  /** What the planner routes here: the text after `- "<route>": ` in its system prompt. */
  plannerGuidance: string;
  /** The ablation that skips the route. */
  ablation: keyof typeof GROUNDING_ABLATIONS;
  /** The activity that answers a question on this route (a key of `AgentActivities`, checked in workflows/activityStubs.ts). */
  activity: string;
  timeouts: GroundingTimeouts;
  /** The `source` label of `image_agent_grounding_calls_total`. */
  metricSource: string;
  /**
   * Whether the activity's result carries model-call records, which the claim check then moves to object
   * storage (workers/modelCallClaimCheck.ts). A route that calls a model and says false puts its prompts in
   * the workflow history.
   */
  claimChecked: boolean;
}

/** The routes, in the order the planner's prompt lists them. */
export const GROUNDING_ROUTES = {
  reason: {
    plannerGuidance: 'commonsense, arithmetic, logic, science, spatial or visual reasoning the model can work out itself.',
    ablation: 'noReason',
    activity: 'reasonQuestion',
    timeouts: { attemptMs: 2 * MINUTE },
    metricSource: 'reason',
    claimChecked: true,
  },
  web_search: {
    plannerGuidance:
      'precise facts (numbers, dates, names, scores, prices) and anything that changes over time (weather, stock prices, news, recent releases). Never guess these.',
    ablation: 'noSearch',
    activity: 'searchWeb',
    timeouts: { attemptMs: 3 * MINUTE },
    metricSource: 'web_search',
    claimChecked: true,
  },
  image_search: {
    plannerGuidance:
      'ONLY when the request names a specific character, IP or real person whose exact look a renderer cannot know. Extra references hurt; do not use it for generic objects, styles or places.',
    ablation: 'noSearch',
    activity: 'searchImages',
    timeouts: { attemptMs: 3 * MINUTE },
    metricSource: 'image_search',
    claimChecked: true,
  },
  memory: {
    plannerGuidance: 'anything about this user: who "me"/"I"/"our" is, their profession, usual style, dislikes, or an earlier output they refer to.',
    ablation: 'noMemory',
    activity: 'recallMemory',
    // A memory read gives up sooner than the window: a run goes on without memory rather than wait long.
    timeouts: { attemptMs: MINUTE, giveUpAfterMs: 2 * MINUTE },
    metricSource: 'memory',
    // Retrieval and the relevance gate make no model call that a result records.
    claimChecked: false,
  },
} as const satisfies Record<string, GroundingRouteRow>;

export type GroundingRoute = keyof typeof GROUNDING_ROUTES;

/** The activity type of a route (a key of `AgentActivities`). */
export type GroundingActivity<R extends GroundingRoute = GroundingRoute> = (typeof GROUNDING_ROUTES)[R]['activity'];

/** Every route name, in table order; non-empty, as a schema enum needs. */
export const GROUNDING_ROUTE_NAMES = Object.keys(GROUNDING_ROUTES) as [GroundingRoute, ...GroundingRoute[]];

const ROUTE_BY_ACTIVITY: ReadonlyMap<string, GroundingRoute> = new Map(GROUNDING_ROUTE_NAMES.map((route) => [GROUNDING_ROUTES[route].activity, route]));

/** The route an activity type answers, for worker interceptors that see only the type name; undefined for other activities. */
export function groundingRouteOf(activityType: string): GroundingRoute | undefined {
  return ROUTE_BY_ACTIVITY.get(activityType);
}

/** The planner prompt's route list: one `- "<route>": <guidance>` line per route. */
export function plannerRouteGuidance(): string {
  return GROUNDING_ROUTE_NAMES.map((route) => `- "${route}": ${GROUNDING_ROUTES[route].plannerGuidance}`).join('\n');
}
