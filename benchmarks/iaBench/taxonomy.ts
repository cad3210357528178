/** IA-Bench's 4 capabilities and 17 subtasks (PAPER.md), spelt snake_case, and the IA-score weights. */

export const CAPABILITIES = ['plan', 'reason', 'search', 'memory'] as const;
export type Capability = (typeof CAPABILITIES)[number];

export const SUBTASKS_BY_CAPABILITY = {
  plan: ['composition', 'enumeration', 'multi_panel'],
  reason: ['math', 'science', 'commonsense', 'maze', 'map', 'geometry'],
  search: ['game', 'movie', 'anime', 'celebrity', 'stock', 'weather'],
  memory: ['user_profile', 'conversation_history'],
} as const satisfies Record<Capability, readonly string[]>;

export type Subtask = (typeof SUBTASKS_BY_CAPABILITY)[Capability][number];

export const SUBTASKS: readonly Subtask[] = CAPABILITIES.flatMap((c) => SUBTASKS_BY_CAPABILITY[c]);

export function capabilityOf(subtask: Subtask): Capability {
  const owner = CAPABILITIES.find((c) => (SUBTASKS_BY_CAPABILITY[c] as readonly string[]).includes(subtask));
  if (owner === undefined) throw new Error(`unknown IA-Bench subtask ${subtask}`);
  return owner;
}

/** IA-score = 0.3·PR(Plan) + 0.3·PR(Reason) + 0.3·PR(Search) + 0.1·PR(Memory). */
export const IA_SCORE_WEIGHTS: Readonly<Record<Capability, number>> = { plan: 0.3, reason: 0.3, search: 0.3, memory: 0.1 };
