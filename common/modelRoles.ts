/** The model roles of the method, each served by the vendor configured for it (IMAGE_AGENT_<ROLE>_VENDOR). */

/** The roles served by a chat model, each chosen on its own (IMAGE_AGENT_<ROLE>_VENDOR). */
export const CHAT_ROLES = ['planner', 'reasoner', 'summarizer', 'ranker', 'composer', 'checklist', 'critic', 'profiler', 'judge', 'respondent'] as const;
export type ChatRole = (typeof CHAT_ROLES)[number];

/** Every role a vendor is chosen for: the chat roles, the image model and the embedder. */
export const MODEL_ROLES = [...CHAT_ROLES, 'image', 'embed'] as const;
export type ModelRole = (typeof MODEL_ROLES)[number];
