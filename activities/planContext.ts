/** plan: which context is missing, as routed questions and an image split (information and generation level). */
import type { Modelled } from '../common/modelCall';
import { withinImageLimit, type ContextPlan } from '../common/plan';
import type { PlanContextInput } from '../providers/agentRoles';
import type { AgentDeps } from './agentDeps';

export function planContextActivity(deps: Pick<AgentDeps, 'models'>) {
  return async function planContext(input: PlanContextInput): Promise<Modelled<ContextPlan>> {
    const planned = await deps.models.planner.planContext(input);
    // The planner is told the limit; a plan over it all the same is cut here, so no run renders past it.
    return { ...planned, value: withinImageLimit(planned.value, input.maxImages) };
  };
}
