/** Bulk work on one Batch workflow: plain request lists and benchmark suites share these shapes. */
import type { BenchmarkRunRecord } from '../benchmarks/report/runRecord';
import type { ReviewAuth } from './decisionSignature';
import type { GenerateOptions } from './request';
import type { VersionedTenantPolicy } from './tenantPolicy';

/** Cases per manifest page: what one page load brings into the Batch workflow. */
export const MANIFEST_PAGE_SIZE = 100;

/** The manifest's head (at manifestKey); its cases are in pages of MANIFEST_PAGE_SIZE. */
export interface BatchManifest {
  suite: SuiteKind;
  files: string[];
  total: number;
  pages: number;
  // legacy-read: manifest-without-run-how
  /** Benchmarks: how the run is made, copied into its report (absent in manifests written before it existed). */
  record?: BenchmarkRunRecord;
}

export type SuiteKind = 'requests' | 'ia-bench' | 'mindbench' | 'wise';

export type CaseJudge =
  | { kind: 'checklist'; checklist: string[]; referenceText?: string; referenceImageKeys: string[]; promptTemplateKey?: string }
  | { kind: 'wise'; prompt: string; explanation: string; promptTemplateKey?: string };

export interface BatchCase {
  /** Unique within the batch; names the case's children and its result object. */
  id: string;
  /** One turn usually; memory cases have several and only the last is judged. */
  turns: { request: string; inputImageKeys?: string[] }[];
  options?: Partial<GenerateOptions>;
  judge?: CaseJudge;
  /** The file name the official output format wants (`1_7.png`, `17.png`), else `<id>.png`. */
  outputName?: string;
  /** Benchmark metadata kept for the report (capability, subtask, Type, prompt_id…). */
  meta?: Record<string, string | number>; /**
   * The user every turn of the case runs as: scoped to the batch, so the same case in two batches never shares
   * memory while a memory case's turns share one user (`batchUserId`).
   */
  userId?: string;
}

/** `bench-<batchId>-<caseId>`, or with the batch id hashed when that would pass the 128-character limit of user ids. */
export function batchUserId(batchId: string, caseId: string, hash: (text: string) => string): string {
  const plain = `bench-${batchId}-${caseId}`;
  return plain.length <= 128 ? plain : `bench-${hash(batchId).slice(0, 16)}-${caseId}`.slice(0, 128);
}

/** What a finished case leaves in S3 (tenants/<tenant>/batches/<id>/cases/<caseId>.json); the report is built from these. */
export interface CaseResult {
  caseId: string;
  meta?: Record<string, string | number>;
  status: 'done' | 'generation_failed';
  error?: string;
  /** The judged image (the last turn's first image), and every turn's workflow id. */
  imageKey?: string;
  turnWorkflowIds: string[];
  judge?: {
    model: string;
    provider: string;
    /** The verdict in the benchmark module's terms (judged / refused / unparseable / error / no_image). */
    verdict: unknown;
    raw?: string;
    usage?: { inputTokens: number; outputTokens: number };
    /** Judge calls made: more than one when an answer held no score and the judge was asked again. */
    attempts?: number;
  };
  usage: { inputTokens: number; outputTokens: number; images: number; calls: number };
  durationMs: number;
  /** Why the run was not whole (a source down after its retries, the critique unavailable); absent when it was. */
  degraded?: string[];
}

/** A compact line per finished case, kept in the Batch workflow's state. */
export interface CaseSummary {
  caseId: string;
  status: CaseResult['status'];
  /** For checklist suites: all items passed; for WISE: score 1. Absent without a verdict. */
  passed?: boolean;
}

export interface BatchInput {
  batchId: string;
  suite: SuiteKind;
  /** How the system is labelled in the report (e.g. "image-agent (no search)"). */
  system: string;
  tenantId: string;
  /** Cases live in S3 (a manifest), so the workflow input stays small for any batch size. */
  manifestKey: string;
  total: number;
  concurrency: number;
  options?: Partial<GenerateOptions>;
  /**
   * The tenant's policy when the batch started: every case's options (the batch's and its own) are clamped by it, and
   * a running batch keeps it. Absent in batches started before tenant policies existed.
   */
  policy?: VersionedTenantPolicy;
  /** Signs the cases' review decisions, for a tenant whose policy requires review. */
  reviewAuth?: ReviewAuth;
  /** Cases finished per run before continuing as new (history stays bounded). */
  casesPerRun?: number;
  /** Carried across continue-as-new. */
  state?: BatchState;
}

export interface BatchState {
  nextIndex: number;
  done: number;
  failed: number;
  passed: number;
  judged: number;
  startedAt: string;
  continuedAsNew: number;
}

export interface BatchProgress extends BatchState {
  batchId: string;
  total: number;
  running: number;
  /** Seconds to go at the rate so far; absent until a case has finished. */
  etaSeconds?: number;
  cancelled: boolean;
}

export interface BatchResult {
  batchId: string;
  outcome: 'completed' | 'cancelled';
  progress: BatchProgress;
  report: BatchReportKeys;
}

export interface BatchReportKeys {
  json: string;
  markdown: string;
  chart: string;
  /** The official result file (MindBench results JSONL, WISE scores JSONL), when the suite has one. */
  official?: string;
  /** Where each case's image was copied under its official name. */
  imagesPrefix: string;
}
