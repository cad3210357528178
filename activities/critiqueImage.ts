/** critique: the VLM judges the rendered candidate against the checklist, item by item. */
import type { ChecklistItem, Critique } from '../common/generation';
import type { AgentDeps } from './agentDeps';
import { assertReadable } from './currentWorkflow';

export interface CritiqueImageInput {
  request: string;
  imageKey: string;
  checklist: ChecklistItem[];
  referenceKeys: string[];
}

export function critiqueImageActivity(deps: Pick<AgentDeps, 'models' | 'store'>) {
  return async function critiqueImage(input: CritiqueImageInput): Promise<Critique> {
    const keys = [input.imageKey, ...input.referenceKeys];
    keys.forEach(assertReadable);
    const [png, ...references] = await Promise.all(keys.map((k) => deps.store.get(k)));
    const { value, calls } = await deps.models.critic.critique({ request: input.request, png: png!, checklist: input.checklist, references });
    return {
      verdicts: value,
      passed: value.filter((v) => v.pass).length,
      total: input.checklist.length,
      provider: deps.models.critic.provider,
      model: deps.models.critic.model,
      calls,
    };
  };
}
