/** Failure types of image-agent's activities, shared by activities (which raise them) and workflows (retry policies). */
export const FailureType = {
  ContentPolicyRefusal: 'ContentPolicyRefusal',
  InvalidModelOutput: 'InvalidModelOutput',
  ModelRequestRejected: 'ModelRequestRejected',
  ModelRefusal: 'ModelRefusal',
  RateLimited: 'RateLimited',
  SearchRequestRejected: 'SearchRequestRejected',
  InvalidInput: 'InvalidInput',
  /** A webhook receiver answered 4xx: it will not take this delivery. */
  WebhookRejected: 'WebhookRejected',
  /** A webhook receiver is down or busy (408, 429, 5xx): delivery is retried. */
  WebhookUnavailable: 'WebhookUnavailable',
  /** A review decision refused by the update's validator: stale, duplicate, late or malformed. */
  ReviewDecisionRefused: 'ReviewDecisionRefused',
  /** A paid call's reservation was refused: a budget of the tenant, user, batch or run is spent. */
  BudgetExceeded: 'BudgetExceeded',
  /**
   * A reservation was refused under a tenant's `pause` rule: the activity fails at once, and the run waits at
   * its budget gate (workflows/budgetGate.ts) instead of retrying a call nobody has raised the budget for.
   */
  BudgetPaused: 'BudgetPaused',
  /** A model call to a provider the run's tenant (or request) does not allow: no link of the role is allowed. */
  ProviderNotAllowed: 'ProviderNotAllowed',
  /** A reviewer's question the agent could not answer (the model down past the question's time, a refusal): the run still waits. */
  ReviewQuestionUnanswered: 'ReviewQuestionUnanswered',
  /** A budget gate decision refused by the update's validator: the run is not waiting, or the decision is malformed. */
  BudgetGateRefused: 'BudgetGateRefused',
} as const;

/** Retrying these changes nothing: the same request fails the same way. */
export const NON_RETRYABLE_TYPES: string[] = [
  FailureType.ContentPolicyRefusal,
  FailureType.ModelRequestRejected,
  FailureType.ModelRefusal,
  FailureType.SearchRequestRejected,
  FailureType.InvalidInput,
  FailureType.ProviderNotAllowed,
];

/** One of the failure types above. */
export type FailureTypeName = (typeof FailureType)[keyof typeof FailureType];
