/**
 * Claim check for model-call records: what each model call sent and answered (the prompts, often the largest
 * text of a run) goes to object storage once, under a deterministic key in the run's prefix
 * (`tenants/<tenant>/runs/<workflowId>/calls/<activityId>.json`, so a retried activity overwrites its own object;
 * sealed with the tenant's key when encryption is on, security/objectEncryption.ts), and the
 * activity's result carries slim records: purpose, provider, model, usage and duration, with `ref` naming the
 * full record. Workflows only add up usage, so they work alike with both shapes; the report activity puts the
 * full records back (activities/writeReport.ts). Same activities, same order: replay-safe.
 */
import type { Context } from '@temporalio/activity';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import type { AgentActivities } from '../activities';
import { GROUNDING_ROUTES, groundingRouteOf, type GroundingActivity } from '../common/groundingRoutes';
import type { ModelCallRecord } from '../common/modelCall';
import { defaultPayloadConverter } from '@temporalio/common';
import { modelCallsKey } from '../common/objectKeys';
import { TENANT_HEADER } from '../common/tenantHeaderName';
import type { ObjectStore } from '../providers/objectStore';
import { claimCheckWrites } from '../telemetry/appMetrics';

/**
 * Whether the result of each agent activity other than the grounding routes carries model-call records for
 * the run report. Every activity is named, so a new one does not compile until it is decided; the
 * grounding routes say it in their rows (common/groundingRoutes.ts).
 */
const CARRIES_MODEL_CALLS = {
  planContext: true,
  composePrompt: true,
  planChecklist: true,
  critiqueImage: true,
  rememberTurn: true,
  selectRelevantTurns: false,
  writeReport: false,
  deliverWebhook: false,
  loadBatchCases: false,
  judgeCase: false,
  writeBatchReport: false,
  answerReviewQuestion: true,
} as const satisfies Record<Exclude<keyof AgentActivities, GroundingActivity>, boolean>;

/** Whether the claim check moves the model-call records of this activity type's results to object storage. */
export function isClaimChecked(activityType: string): boolean {
  const route = groundingRouteOf(activityType);
  if (route) return GROUNDING_ROUTES[route].claimChecked;
  return Object.hasOwn(CARRIES_MODEL_CALLS, activityType) && CARRIES_MODEL_CALLS[activityType as keyof typeof CARRIES_MODEL_CALLS];
}

function isFullRecord(v: unknown): v is ModelCallRecord {
  return (
    !!v &&
    typeof v === 'object' &&
    Array.isArray((v as ModelCallRecord).messages) &&
    typeof (v as ModelCallRecord).response === 'string' &&
    !(v as ModelCallRecord).ref
  );
}

/** Replaces every `calls` array of full records in `value` (at any depth) with slim records, collecting the full ones. */
export function slimCalls(value: unknown, key: string, full: ModelCallRecord[]): unknown {
  if (Array.isArray(value)) return value.map((v) => slimCalls(v, key, full));
  if (!value || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === 'calls' && Array.isArray(v) && v.some(isFullRecord)) {
      out[k] = v.map((c: unknown) => {
        if (!isFullRecord(c)) return c;
        full.push(c);
        return { ...c, messages: [], response: '', ref: { key, index: full.length - 1 } } satisfies ModelCallRecord;
      });
    } else out[k] = slimCalls(v, key, full);
  }
  return out;
}

export function modelCallClaimCheck(store: ObjectStore): ActivityInterceptorsFactory {
  return (ctx: Context) => ({
    inbound: {
      async execute(input, next) {
        const result: unknown = await next(input);
        const workflowId = ctx.info.workflowExecution?.workflowId;
        if (!workflowId || !isClaimChecked(ctx.info.activityType)) return result;
        // The tenant comes from the header the workflow set (workflows/tenantHeader.ts); runs started
        // before it existed keep their records inline.
        const header = input.headers[TENANT_HEADER];
        const tenant = header ? defaultPayloadConverter.fromPayload<unknown>(header) : undefined;
        if (typeof tenant !== 'string') return result;
        const key = modelCallsKey(tenant, workflowId, ctx.info.activityId);
        const full: ModelCallRecord[] = [];
        const slim = slimCalls(result, key, full);
        if (!full.length) return result;
        const written = claimCheckWrites.startTimer({ activity: ctx.info.activityType });
        await store.putJson(key, full);
        written();
        return slim;
      },
    },
  });
}
