/**
 * The information-level plan: which context is missing, as questions routed to one source each, with
 * dependencies (a DAG); and, at the generation level, how many images the request needs and their order.
 */
import type { GroundingRoute } from './groundingRoutes';

/** A question's source: one row of common/groundingRoutes.ts. */
export type Route = GroundingRoute;

export interface PlannedQuestion {
  id: string;
  question: string;
  route: Route;
  /** Ids of questions whose answers this one needs. */
  dependsOn: string[];
  /** Why this is missing context (kept for the audit). */
  rationale: string;
}

export interface PlannedImage {
  id: string;
  /** What this image shows, within the request (the whole request when there is one image). */
  brief: string;
  /** Ids of images that must exist first (e.g. slide 2 follows the cover's style). */
  dependsOn: string[];
}

export interface ContextPlan {
  /** A one-line reading of the request. */
  intent: string;
  questions: PlannedQuestion[];
  images: PlannedImage[];
  /** For several images: the style they share. */
  sharedStyle?: string;
  /** Images the planner wanted that the tenant's image limit cut (their ids); absent when none were cut. */
  droppedImages?: string[];
}

/**
 * The plan with at most `maxImages` images: the first ones in the planner's order whose dependencies are kept, so a
 * kept image never depends on a cut one. The cut images are named in the plan.
 */
export function withinImageLimit(plan: ContextPlan, maxImages: number | undefined): ContextPlan {
  if (maxImages === undefined || plan.images.length <= maxImages) return plan;
  const kept: PlannedImage[] = [];
  for (const image of plan.images) {
    if (kept.length < maxImages && image.dependsOn.every((d) => kept.some((k) => k.id === d))) kept.push(image);
  }
  return { ...plan, images: kept, droppedImages: plan.images.filter((i) => !kept.includes(i)).map((i) => i.id) };
}

/** Problems that make a plan unusable: duplicate ids, unknown dependencies, cycles. Empty when valid. */
export function planProblems(plan: ContextPlan): string[] {
  const problems: string[] = [];
  for (const [kind, nodes] of [
    ['question', plan.questions],
    ['image', plan.images],
  ] as const) {
    const ids = new Set<string>();
    for (const n of nodes) {
      if (ids.has(n.id)) problems.push(`duplicate ${kind} id ${n.id}`);
      ids.add(n.id);
    }
    for (const n of nodes) for (const d of n.dependsOn) if (!ids.has(d)) problems.push(`${kind} ${n.id} depends on unknown ${d}`);
    const cycle = findCycle(nodes);
    if (cycle) problems.push(`${kind} dependencies form a cycle: ${cycle.join(' -> ')}`);
  }
  if (plan.images.length === 0) problems.push('the plan has no image');
  return problems;
}

function findCycle(nodes: readonly { id: string; dependsOn: readonly string[] }[]): string[] | undefined {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (id: string): string[] | undefined => {
    if (state.get(id) === 'done') return undefined;
    if (state.get(id) === 'visiting') return [...stack.slice(stack.indexOf(id)), id];
    state.set(id, 'visiting');
    stack.push(id);
    for (const d of byId.get(id)?.dependsOn ?? []) {
      const found = visit(d);
      if (found) return found;
    }
    stack.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const n of nodes) {
    const found = visit(n.id);
    if (found) return found;
  }
  return undefined;
}
