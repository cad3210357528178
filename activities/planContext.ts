/** plan: which context is missing, as routed questions and an image split (information and generation level). */
import type { Modelled } from '../common/modelCall';
import type { ContextPlan } from '../common/plan';
import type { PlanContextInput } from '../providers/agentRoles';
import type { AgentDeps } from './agentDeps';

export function planContextActivity(deps: Pick<AgentDeps, 'models'>) {
  return async function planContext(input: PlanContextInput): Promise<Modelled<ContextPlan>> {
    return await deps.models.planner.planContext(input);
  };
}
