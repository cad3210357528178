/**
 * Patch ids for `patched()` (README, "Deploys and workflow versioning"): each names a change to the
 * commands a workflow issues, so runs started before it replay the old path. Retire them as the README says.
 */

/** 2026-11-27: a search attribute is upserted only when its value changes (a re-upsert added an event and said nothing). */
export const UNCHANGED_SEARCH_ATTRIBUTES_SKIPPED = 'unchanged-search-attributes-skipped';
