/** The feedback checklist, planned once per request from the grounded context. */
import type { ChecklistItem } from '../common/generation';
import type { Modelled } from '../common/modelCall';
import type { ChecklistInput } from '../providers/agentRoles';
import type { AgentDeps } from './agentDeps';
import { toActivityFailure } from './failures';

export function planChecklistActivity(deps: Pick<AgentDeps, 'models'>) {
  return async function planChecklist(input: ChecklistInput): Promise<Modelled<ChecklistItem[]>> {
    try {
      return await deps.models.checklist.planChecklist(input);
    } catch (err) {
      throw toActivityFailure(err);
    }
  };
}
