/** The feedback checklist, planned once per request from the grounded context. */
import type { ChecklistItem } from '../common/generation';
import type { Modelled } from '../common/modelCall';
import type { ChecklistInput } from '../providers/agentRoles';
import type { AgentDeps } from './agentDeps';

export function planChecklistActivity(deps: Pick<AgentDeps, 'models'>) {
  return async function planChecklist(input: ChecklistInput): Promise<Modelled<ChecklistItem[]>> {
    return await deps.models.checklist.planChecklist(input);
  };
}
