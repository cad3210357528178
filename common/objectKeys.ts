/**
 * Deterministic object keys, derived from the workflow id, image and round: a retried activity
 * overwrites its own object instead of leaving a duplicate beside it.
 */
export function safeSegment(id: string): string {
  return id.replace(/[^A-Za-z0-9._=-]/g, '_').slice(0, 200);
}

export function candidateKey(workflowId: string, imageIndex: number, round: number): string {
  return `runs/${safeSegment(workflowId)}/image-${imageIndex}/round-${round}.png`;
}

export function referenceKey(workflowId: string, questionId: string, rank: number, ext: string): string {
  return `runs/${safeSegment(workflowId)}/references/${safeSegment(questionId)}-${rank}.${ext}`;
}

export function webhookKey(workflowId: string): string {
  return `runs/${safeSegment(workflowId)}/webhook.json`;
}

/** The full model-call records of one activity of a run (claim check), by its activity id. */
export function modelCallsKey(workflowId: string, activityId: string): string {
  return `runs/${safeSegment(workflowId)}/calls/${safeSegment(activityId)}.json`;
}

export function reportKey(workflowId: string): string {
  return `runs/${safeSegment(workflowId)}/report.json`;
}

export function batchManifestKey(batchId: string): string {
  return `batches/${safeSegment(batchId)}/manifest.json`;
}

/** The manifest is written in pages, so a worker reads only the page it needs. */
export function batchManifestPageKey(batchId: string, page: number): string {
  return `batches/${safeSegment(batchId)}/manifest/page-${String(page).padStart(5, '0')}.json`;
}

export function caseResultsPrefix(batchId: string): string {
  return `batches/${safeSegment(batchId)}/cases/`;
}

export function caseResultKey(batchId: string, caseId: string): string {
  return `${caseResultsPrefix(batchId)}${safeSegment(caseId)}.json`;
}

export function batchReportPrefix(batchId: string): string {
  return `batches/${safeSegment(batchId)}/report/`;
}

export function batchImagesPrefix(batchId: string): string {
  return `batches/${safeSegment(batchId)}/images/`;
}

/** The benchmark's own judge prompt template of a batch (--judge-prompt). */
export function judgePromptKey(batchId: string): string {
  return `batches/${safeSegment(batchId)}/judge-prompt.txt`;
}
