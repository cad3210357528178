/**
 * How a run names the children it starts, so a worker can tell whose child a new workflow id is
 * (security/payloadCodec.ts encrypts a child's start under its parent's tenant before the child exists):
 * `<parent>-image-N`, `<session>-turn-N`, `<case>-turn-N` start with the parent's id; a batch `batch-<id>`
 * names its cases `<id>-case-<case>` (kept as it was, so batches in flight replay). Pure.
 */
const BATCH_PREFIX = 'batch-';

export function batchWorkflowId(batchId: string): string {
  return `${BATCH_PREFIX}${batchId}`;
}

export function batchCaseWorkflowId(batchId: string, caseId: string): string {
  return `${batchId}-case-${caseId}`;
}

/** The id prefixes of the children the run `parentId` starts. */
export function childIdPrefixes(parentId: string): string[] {
  const prefixes = [`${parentId}-`];
  if (parentId.startsWith(BATCH_PREFIX)) prefixes.push(`${parentId.slice(BATCH_PREFIX.length)}-case-`);
  return prefixes;
}
