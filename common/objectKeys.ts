/**
 * Deterministic object keys, derived from the tenant, the workflow id, image and round: a retried activity
 * overwrites its own object instead of leaving a duplicate beside it. Every key starts with its tenant
 * (`tenants/<tenant>/…`), so one prefix holds everything a tenant owns, and a key outside it is refused
 * both at the edge (`inputKeyProblem`) and by the activities that read objects (`assertTenantKey`).
 */
import { FailureType } from './failureTypes';
import { ImageAgentError } from './imageAgentError';

export function safeSegment(id: string): string {
  return id.replace(/[^A-Za-z0-9._=-]/g, '_').slice(0, 200);
}

/**
 * The tenant as one key segment, encoded injectively: letters, digits, `_` and `-` stay, every other
 * character becomes `~XX`, so `a:b`, `a_b` and `a~3Ab` are three different prefixes and `.`/`..` never
 * appear as a segment of their own.
 */
function tenantSegment(tenantId: string): string {
  if (!tenantId) throw new Error('an object key needs a tenant');
  return tenantId.replace(/[^A-Za-z0-9_-]/g, (c) => `~${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

/** Everything a tenant owns lives under this prefix. */
export function tenantPrefix(tenantId: string): string {
  return `tenants/${tenantSegment(tenantId)}/`;
}

/** The tenant whose prefix holds `key` (the inverse of `tenantPrefix`), or undefined outside every tenant's prefix. */
export function tenantOfKey(key: string): string | undefined {
  const m = /^tenants\/([^/]+)\//.exec(key);
  if (!m) return undefined;
  const tenant = m[1]!.replace(/~([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return tenant && tenantSegment(tenant) === m[1] ? tenant : undefined;
}

function runPrefix(tenantId: string, workflowId: string): string {
  return `${tenantPrefix(tenantId)}runs/${safeSegment(workflowId)}/`;
}

export function candidateKey(tenantId: string, workflowId: string, imageIndex: number, round: number): string {
  return `${runPrefix(tenantId, workflowId)}image-${imageIndex}/round-${round}.png`;
}

export function referenceKey(tenantId: string, workflowId: string, questionId: string, rank: number, ext: string): string {
  return `${runPrefix(tenantId, workflowId)}references/${safeSegment(questionId)}-${rank}.${ext}`;
}

export function webhookKey(tenantId: string, workflowId: string): string {
  return `${runPrefix(tenantId, workflowId)}webhook.json`;
}

/** The full model-call records of one activity of a run (claim check), by its activity id. */
export function modelCallsKey(tenantId: string, workflowId: string, activityId: string): string {
  return `${runPrefix(tenantId, workflowId)}calls/${safeSegment(activityId)}.json`;
}

export function reportKey(tenantId: string, workflowId: string): string {
  return `${runPrefix(tenantId, workflowId)}report.json`;
}

// legacy-read: report-under-runs
/** Where runs started before tenant prefixes kept their report (read as a fallback, never written). */
export function legacyReportKey(workflowId: string): string {
  return `runs/${safeSegment(workflowId)}/report.json`;
}

/** A user's uploaded image, normalised to PNG; the id is a hash of the bytes, so a repeated upload is the same object. */
export function uploadKey(tenantId: string, uploadId: string): string {
  return `${tenantPrefix(tenantId)}uploads/${safeSegment(uploadId)}.png`;
}

export const UPLOAD_ID_PATTERN = /^up_[0-9a-f]{32}$/;

/** The problem with an object key a run would read for this tenant, or undefined when it is the tenant's own. */
export function tenantKeyProblem(tenantId: string, key: string): { status: 400 | 403; message: string } | undefined {
  if (!key || key.length > 1024) return { status: 400, message: 'an object key of 1-1024 characters' };
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\\]/.test(key)) return { status: 400, message: 'an object key with a control character or backslash' };
  const segments = key.split('/');
  if (key.startsWith('/') || segments.some((s) => s === '' || s === '.' || s === '..')) {
    return { status: 400, message: `the object key "${key.slice(0, 200)}" has an empty, "." or ".." segment` };
  }
  if (!key.startsWith(tenantPrefix(tenantId))) return { status: 403, message: `the object key "${key.slice(0, 200)}" is outside your tenant's prefix` };
  return undefined;
}

/** Activities' second line of defence: a run reads only objects under its own tenant's prefix. */
export function assertTenantKey(tenantId: string | undefined, key: string): void {
  if (!tenantId) throw new TenantKeyError(`refusing to read ${key.slice(0, 200)}: the run has no tenant`);
  const problem = tenantKeyProblem(tenantId, key);
  if (problem) throw new TenantKeyError(`refusing to read an object outside the run's tenant: ${problem.message}`);
}

/** A key outside the run's tenant: refused the same way on every retry. */
export class TenantKeyError extends ImageAgentError {
  override name = 'TenantKeyError';
  constructor(message: string) {
    super(message, { failureType: FailureType.InvalidInput, retryable: false, httpStatus: 403 });
  }
}

/**
 * A batch's objects live under its tenant's prefix: `tenants/<tenant>/batches/<batchId>/…`. Batches started
 * before that kept them under `batches/<batchId>/…` (see `legacyBatchKey`), read as a fallback, never written.
 */
function batchPrefix(tenantId: string, batchId: string): string {
  return `${tenantPrefix(tenantId)}batches/${safeSegment(batchId)}/`;
}

// legacy-read: batch-under-batches
/** Where a batch started before tenant prefixes kept the object that is now at `key` (a batch key), or undefined. */
export function legacyBatchKey(key: string): string | undefined {
  const m = /^tenants\/[^/]+\/(batches\/.+)$/.exec(key);
  return m?.[1];
}

export function batchManifestKey(tenantId: string, batchId: string): string {
  return `${batchPrefix(tenantId, batchId)}manifest.json`;
}

/** The manifest is written in pages, so a worker reads only the page it needs. */
export function batchManifestPageKey(tenantId: string, batchId: string, page: number): string {
  return `${batchPrefix(tenantId, batchId)}manifest/page-${String(page).padStart(5, '0')}.json`;
}

export function caseResultsPrefix(tenantId: string, batchId: string): string {
  return `${batchPrefix(tenantId, batchId)}cases/`;
}

export function caseResultKey(tenantId: string, batchId: string, caseId: string): string {
  return `${caseResultsPrefix(tenantId, batchId)}${safeSegment(caseId)}.json`;
}

export function batchReportPrefix(tenantId: string, batchId: string): string {
  return `${batchPrefix(tenantId, batchId)}report/`;
}

export function batchImagesPrefix(tenantId: string, batchId: string): string {
  return `${batchPrefix(tenantId, batchId)}images/`;
}

/** The benchmark's own judge prompt template of a batch (--judge-prompt). */
export function judgePromptKey(tenantId: string, batchId: string): string {
  return `${batchPrefix(tenantId, batchId)}judge-prompt.txt`;
}
