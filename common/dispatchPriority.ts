/**
 * How a run is dispatched beside other runs and other tenants' (Temporal task-queue priority and fairness): its
 * class gives the priority key (lower goes first), its tenant the fairness key, and the tenant's policy the weight.
 * Activities and child workflows inherit both from the run that starts them; a run a person is waiting on again
 * after a review decision schedules its remaining work at the first key. Pure: workflows import it.
 */
import type { Clamp } from './resolveRunOptions';
import { PRIORITY_CLASSES, type PriorityClass, type VersionedTenantPolicy } from './tenantPolicy';

/** Temporal's keys 1-5 (the server's default range): 1 is kept for runs continuing after a review decision. */
export const PRIORITY_KEYS = { afterReview: 1, interactive: 2, batch: 4, benchmark: 5 } as const satisfies Record<PriorityClass | 'afterReview', number>;

/** Temporal's limit on a fairness key. */
const FAIRNESS_KEY_BYTES = 64;

export interface RunPriority {
  priorityKey: number;
  fairnessKey: string;
  fairnessWeight: number;
}

/** The class a start path asks for, no better than the tenant's policy allows (a lower class is reported). */
export function runPriority(tenant: VersionedTenantPolicy, requested: PriorityClass): { priority: RunPriority; priorityClass: PriorityClass; clamp?: Clamp } {
  const allowed = tenant.policy.priorityClass;
  const priorityClass = PRIORITY_CLASSES.indexOf(requested) < PRIORITY_CLASSES.indexOf(allowed) ? allowed : requested;
  return {
    priority: { priorityKey: PRIORITY_KEYS[priorityClass], fairnessKey: fairnessKey(tenant.tenantId), fairnessWeight: tenant.policy.fairnessWeight },
    priorityClass,
    ...(priorityClass !== requested
      ? { clamp: { field: 'priority', requested, applied: priorityClass, rule: `runs are dispatched as ${allowed} at best` } }
      : {}),
  };
}

/** The tenant id, or for one over Temporal's 64 bytes its start and a hash of the whole (ids are ASCII, validated at the edge). */
export function fairnessKey(tenantId: string): string {
  if (new TextEncoder().encode(tenantId).length <= FAIRNESS_KEY_BYTES) return tenantId;
  let hash = 0x811c9dc5;
  for (const ch of tenantId) hash = Math.imul(hash ^ (ch.codePointAt(0) ?? 0), 0x01000193) >>> 0;
  return `${tenantId.slice(0, 40)}~${hash.toString(16).padStart(8, '0')}`;
}
