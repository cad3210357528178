/**
 * image-agent's own Prometheus metrics (prom-client), one registry per process, served on /metrics beside
 * the Temporal SDK's. Labels are bounded, non-secret values only: model names, outcomes, sources, tenants
 * (tenant ids are operator-chosen, see IMAGE_AGENT_API_TOKENS). Never prompts, user ids or keys.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { GROUNDING_ROUTE_NAMES, GROUNDING_ROUTES } from '../common/groundingRoutes';

export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'image_agent_process_' });

const registers = [registry];

export const activityExecutions = new Counter({
  name: 'image_agent_activity_executions_total',
  help: 'Activity attempts by activity type and outcome (completed, failed, cancelled).',
  labelNames: ['activity', 'outcome'] as const,
  registers,
});

export const activityDuration = new Histogram({
  name: 'image_agent_activity_duration_seconds',
  help: 'Activity attempt duration by activity type.',
  labelNames: ['activity'] as const,
  buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
  registers,
});

/** On the activity's path: its result waits for the write, so this is latency a run pays (bench:perf reads it per run). */
export const claimCheckWrites = new Histogram({
  name: 'image_agent_claim_check_write_seconds',
  help: 'Writes of model-call records to object storage by the claim check, one per claim-checked activity attempt, by activity type.',
  labelNames: ['activity'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers,
});

export const renders = new Counter({
  name: 'image_agent_renders_total',
  help: 'Image renders by model and outcome (ok, failed).',
  labelNames: ['model', 'outcome'] as const,
  registers,
});

export const rendersInFlight = new Gauge({
  name: 'image_agent_renders_in_flight',
  help: 'Renders running in this process (a GPU utilisation proxy against IMAGE_AGENT_GPU_CONCURRENCY).',
  registers,
});

export const groundingCalls = new Counter({
  name: 'image_agent_grounding_calls_total',
  help: `Grounding calls by source (${GROUNDING_ROUTE_NAMES.map((route) => GROUNDING_ROUTES[route].metricSource).join(', ')}) and outcome.`,
  labelNames: ['source', 'outcome'] as const,
  registers,
});

export const checklistVerdicts = new Counter({
  name: 'image_agent_checklist_verdicts_total',
  help: 'Checklist items judged by the critic, by verdict (pass, fail, unverified); pass rate = pass / all (unverified is not passed).',
  labelNames: ['verdict'] as const,
  registers,
});

export const runs = new Counter({
  name: 'image_agent_runs_total',
  help: 'Generation runs reported, by outcome (completed, rejected, expired, plan_rejected, cancelled) and tenant.',
  labelNames: ['outcome', 'tenant'] as const,
  registers,
});

export const roundsPerRun = new Histogram({
  name: 'image_agent_rounds_per_run',
  help: 'Render rounds per image of a reported run.',
  buckets: [1, 2, 3, 4, 5, 6, 8, 10],
  registers,
});

export const finalChecklistPassRatio = new Histogram({
  name: 'image_agent_final_checklist_pass_ratio',
  help: 'Share of checklist items the delivered candidate passed, per image.',
  buckets: [0, 0.25, 0.5, 0.75, 0.9, 1],
  registers,
});

export const stageDuration = new Histogram({
  name: 'image_agent_stage_duration_seconds',
  help: 'Workflow stage duration (plan, ground, checklist, compose, render, critique, review, remember…) from run reports.',
  labelNames: ['stage'] as const,
  buckets: [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800, 3600, 86400],
  registers,
});

export const modelTokens = new Counter({
  name: 'image_agent_model_tokens_total',
  help: 'Model tokens by model, tenant and direction (input, output), from run reports.',
  labelNames: ['model', 'tenant', 'direction'] as const,
  registers,
});

export const modelCost = new Counter({
  name: 'image_agent_model_cost_total',
  help: 'Model cost in the IMAGE_AGENT_PRICES currency, by model and tenant, from run reports.',
  labelNames: ['model', 'tenant'] as const,
  registers,
});

export const reviewDecisions = new Counter({
  name: 'image_agent_review_decisions_total',
  help: 'Human review decisions by kind (plan, result), decision (approve, reject, timeout) and channel (update, signal, timeout).',
  labelNames: ['kind', 'decision', 'via'] as const,
  registers,
});

export const reviewWait = new Histogram({
  name: 'image_agent_review_wait_seconds',
  help: 'Time runs spent waiting for a reviewer, from run reports.',
  buckets: [10, 60, 300, 900, 3600, 4 * 3600, 24 * 3600, 7 * 24 * 3600],
  registers,
});

export const webhookDeliveries = new Counter({
  name: 'image_agent_webhook_deliveries_total',
  help: 'Webhook delivery attempts by outcome (delivered, failed).',
  labelNames: ['outcome'] as const,
  registers,
});

export const batchCases = new Counter({
  name: 'image_agent_batch_cases_total',
  help: 'Batch cases finished (judged), by outcome (completed, failed).',
  labelNames: ['outcome'] as const,
  registers,
});

export const batchesReported = new Counter({
  name: 'image_agent_batch_reports_total',
  help: 'Batch reports written (a batch finished, or was cancelled with a partial report).',
  registers,
});

export const httpRequests = new Counter({
  name: 'image_agent_http_requests_total',
  help: 'API requests by route, method and status class.',
  labelNames: ['route', 'method', 'status'] as const,
  registers,
});

/** When this process last read a tenant policy from Postgres (client/tenantPolicies.ts sets it). */
let policyReadAt: number | undefined;
export function policyReadFromPostgres(at = Date.now()): void {
  policyReadAt = at;
}

// Registered for /metrics; read there, never from code.
new Gauge({
  name: 'image_agent_tenant_policy_read_age_seconds',
  help: 'Seconds since this process last read a tenant policy from Postgres (-1: never). Starts use what it read then while Postgres is down.',
  registers,
  collect() {
    this.set(policyReadAt === undefined ? -1 : (Date.now() - policyReadAt) / 1000);
  },
});

export const tenantPolicyStaleReads = new Counter({
  name: 'image_agent_tenant_policy_stale_reads_total',
  help: 'Starts that ran under the last tenant policy this process read, because Postgres could not be read.',
  registers,
});

/** The process's model-endpoint breakers (providers/fallback/breakers.ts registers them). */
let breakerStates: () => { endpoint: string; state: 'closed' | 'open' | 'half-open' }[] = () => [];
export function observeBreakers(source: typeof breakerStates): void {
  breakerStates = source;
}

const BREAKER_STATE_VALUE = { closed: 0, 'half-open': 1, open: 2 } as const;

// Registered for /metrics; read there (and by doctor), never from code.
new Gauge({
  name: 'image_agent_model_breaker_state',
  help: 'Each model endpoint’s circuit breaker in this process: 0 closed, 1 half-open (a probe is out), 2 open (calls go to the next link).',
  labelNames: ['endpoint'] as const,
  registers,
  collect() {
    this.reset();
    for (const b of breakerStates()) this.set({ endpoint: b.endpoint }, BREAKER_STATE_VALUE[b.state]);
  },
});

export const modelFallbacks = new Counter({
  name: 'image_agent_model_fallbacks_total',
  help: 'Model calls answered by a link other than the role’s own vendor, by role, the link that answered and why (breaker, attempts, time, content policy).',
  labelNames: ['role', 'provider', 'reason'] as const,
  registers,
});

export const spendReservations = new Counter({
  name: 'image_agent_spend_reservations_total',
  help: 'Reservations of the spend ledger before paid model calls: reserved, refused (the run fails) or paused (the call waits).',
  labelNames: ['outcome'] as const,
  registers,
});

export const budgetAlerts = new Counter({
  name: 'image_agent_budget_alerts_total',
  help: 'Budget warning webhooks sent to tenants’ alertWebhookUrl, by outcome (delivered, retrying, given_up).',
  labelNames: ['outcome'] as const,
  registers,
});

export const budgetSoftLimits = new Counter({
  name: 'image_agent_budget_soft_limit_reached_total',
  help: 'Budgets that crossed their warning share (the tenant policy’s softLimitPercent), by tenant and kind (tenant, user, run, batch).',
  labelNames: ['tenant', 'budget'] as const,
  registers,
});
