/**
 * How a run names the children it starts, so a worker can tell whose child a new workflow id is
 * (security/payloadCodec.ts encrypts a child's start under its parent's tenant before the child exists):
 * `<parent>-image-N`, `<session>-turn-N`, `<case>-turn-N` start with the parent's id; a batch `batch-<id>`
 * names its cases `<id>-case-<case>` (kept as it was, so batches in flight replay). Pure.
 */
const BATCH_PREFIX = 'batch-';
const CASE_INFIX = '-case-';

export function batchWorkflowId(batchId: string): string {
  return `${BATCH_PREFIX}${batchId}`;
}

export function batchCaseWorkflowId(batchId: string, caseId: string): string {
  return `${batchId}${CASE_INFIX}${caseId}`;
}

/** The id prefixes of the children the run `parentId` starts. */
export function childIdPrefixes(parentId: string): string[] {
  const prefixes = [`${parentId}-`];
  if (parentId.startsWith(BATCH_PREFIX)) prefixes.push(`${parentId.slice(BATCH_PREFIX.length)}${CASE_INFIX}`);
  return prefixes;
}

/**
 * Every id whose children's ids (childIdPrefixes) would start `childId`, longest first: the ids before each `-`,
 * and `batch-<id>` for each `<id>-case-`. A worker checks these few against the runs it knows instead of
 * checking every known run against the child.
 */
export function parentIdCandidates(childId: string): string[] {
  const candidates: string[] = [];
  for (let i = childId.indexOf('-'); i !== -1; i = childId.indexOf('-', i + 1)) {
    if (i > 0) candidates.push(childId.slice(0, i));
    if (childId.startsWith(CASE_INFIX, i)) candidates.push(`${BATCH_PREFIX}${childId.slice(0, i)}`);
  }
  return candidates.sort((a, b) => b.length - a.length);
}
