/**
 * Patch ids for `patched()` (docs/operations.md, "Deploys and workflow versioning"): each names a change to the
 * commands a workflow issues, so runs started before it replay the old path. Retire them as the README says.
 */

/** 2026-11-27: a search attribute is upserted only when its value changes (a re-upsert added an event and said nothing). */
export const UNCHANGED_SEARCH_ATTRIBUTES_SKIPPED = 'unchanged-search-attributes-skipped';

/**
 * 2026-11-27: the run report is written by a local activity. It is a few object-storage reads and one write,
 * so its own scheduled/started/completed events and round trip through the server bought nothing, and its
 * input (the whole result and every call record) no longer enters the history.
 */
export const REPORT_AS_LOCAL_ACTIVITY = 'report-as-local-activity';

/**
 * 2026-11-27: a single image's checklist is planned while its first prompt is composed and rendered, and
 * awaited before the first critique (as the paper orders it: the checklist is for judging the render). A
 * run is one model call shorter; with plan review, or several images, it is still planned first.
 */
export const CHECKLIST_BESIDE_FIRST_RENDER = 'checklist-beside-first-render';

/**
 * 2026-12-03: a four-eyes tenant's run applies the tenant's review rules to the policy it was started with
 * (review required, no approval by timeout, the tenant's shortest wait), whatever the request said.
 */
export const TENANT_REVIEW_RULES = 'tenant-review-rules';

/**
 * 2026-12-04: a batch run continues as new once it has started `casesPerRun` cases, not once that many have
 * finished: with concurrency 32 and 40 cases per run, a run started up to 72 children.
 */
export const BATCH_RUN_BOUNDED_BY_STARTED_CASES = 'batch-run-bounded-by-started-cases';

/**
 * 2026-12-04: once a reviewer has decided (a plan approved, a result rejected with feedback), the run's remaining
 * activities are scheduled at priority key 1, ahead of every interactive, batch and benchmark task in their queues:
 * a person is waiting on them again.
 */
export const FIRST_IN_QUEUE_AFTER_REVIEW = 'first-in-queue-after-review';

/**
 * 2026-12-04: a paid call refused under a tenant's `pause` rule fails its activity at once, and the run waits at
 * its budget gate (workflows/budgetGate.ts) for an admin's resume or stop, or its recheck, instead of failing.
 */
export const BUDGET_GATE = 'budget-gate';

/**
 * 2026-12-04: a run waiting for a reviewer keeps its pending review (gate, candidate, since, deadline, timeout
 * policy) in its `reviewWait` memo, so the inbox can list, filter and sort waiting runs without a query each.
 */
export const REVIEW_WAIT_MEMO = 'review-wait-memo';

/**
 * 2026-12-04: a reviewer's edit (a result decision "edit" with a prompt and/or a checklist) renders and judges the
 * run's image once more, with no compose, planning or grounding. Marked where an edit is rendered, so a worker
 * without this code fails the task instead of reading the edit as a rejection.
 */
export const REVIEW_EDIT = 'review-edit';

/**
 * 2026-12-04: a review wait with a deadline reminds at a share of it (halfway by default: a webhook, a metric and a
 * flag in the inbox), and under the tenant's escalation policy passes to a second group with a deadline of its own
 * before the timeout policy decides (workflows/generate/review/reviewClock.ts). The wait is split into timers.
 */
export const REVIEW_REMINDERS = 'review-reminders';

/**
 * 2026-12-04: a reviewer's approval may name an earlier candidate of a single-image run (`chosenKey`), which becomes the
 * image's final instead of the latest. Marked where the choice is applied.
 */
export const REVIEW_CHOICE = 'review-choice';

/**
 * 2026-12-05: a reviewer may ask the agent about a run waiting for a decision (the `askAgent` update): one activity
 * answers from the run's context, with no render, and the run keeps waiting. Marked where the answer is scheduled, so
 * a worker without this code fails the task on the marker instead of replaying on past a question it cannot answer.
 */
export const REVIEW_QUESTIONS = 'review-questions';

/**
 * 2026-12-05: a batch starts every case its concurrency allows in one workflow task, instead of waiting for each
 * child's start to be recorded before the next: one start per round trip kept 10–25 of 64 cases in flight.
 */
export const BATCH_STARTS_CASES_TOGETHER = 'batch-starts-cases-together';

/**
 * 2026-12-06: a run whose start carries no trace context runs without OpenTelemetry's workflow interceptors
 * (workflows/workflowTracing.ts). With tracing off they still made a span for every activity and exported it to
 * nowhere, about 128 of a run's 286 sandbox promises; their async wrappers also move when an update's handler runs,
 * which is why a run keeps the interceptors it started with.
 */
export const UNTRACED_RUNS_WITHOUT_OTEL = 'untraced-runs-without-otel';
