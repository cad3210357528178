/** compose: grounded answers, memory, references and feedback become the generation context c_g. */
import type { GenerationContext } from '../common/generation';
import type { Modelled } from '../common/modelCall';
import type { ComposeInput } from '../providers/agentRoles';
import type { AgentDeps } from './agentDeps';

export interface ComposePromptInput extends ComposeInput {
  seed?: number;
}

export function composePromptActivity(deps: Pick<AgentDeps, 'models'>) {
  return async function composePrompt(input: ComposePromptInput): Promise<Modelled<GenerationContext>> {
    const { value, calls } = await deps.models.composer.compose(input);
    return {
      value: { ...value, referenceKeys: input.references.map((r) => r.key), size: input.size, ...(input.seed !== undefined ? { seed: input.seed } : {}) },
      calls,
    };
  };
}
