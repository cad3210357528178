/**
 * Starting a batch (manifest to S3, one Batch workflow) and fetching its outputs, shared by the CLI and tests.
 */
import { checkBatchId, outputPath } from './outputPath';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { buildBatchCases, detectSuite, type BatchCaseOptions } from './batchManifest';
import type { JudgePromptTemplate } from '../benchmarks/judge/promptTemplate';
import type { BenchmarkRunRecord } from '../benchmarks/report/runRecord';
import type { Clamp } from '../common/resolveRunOptions';
import { NO_REVIEW } from '../common/review';
import { reviewSigner } from '../security/reviewSigner';
import { startUnderPolicy } from './startUnderPolicy';
import { MANIFEST_PAGE_SIZE, type BatchInput, type BatchManifest, type BatchResult, type SuiteKind } from '../common/batch';
import { batchManifestKey, batchManifestPageKey, judgePromptKey } from '../common/objectKeys';
import type { GenerateOptions } from '../common/request';
import { Tenant } from '../common/searchAttributes';
import { batchWorkflowId } from '../workflows/batch/batchMessages';
import type { Generations } from './generations';
import { runSearchAttributes, withOutageWindow } from './startOptions';
import { refuseErasedStart } from './startRefusal';
import { batch } from '../workflows/batch/batch';

export interface StartBatchOptions {
  suite?: SuiteKind;
  batchId?: string;
  tenantId: string;
  system: string;
  concurrency?: number;
  options?: Partial<GenerateOptions>;
  casesPerRun?: number;
  folders?: BatchCaseOptions;
  /** A benchmark's own judge prompt (--judge-prompt), uploaded once and named by every case's judge. */
  judgePrompt?: JudgePromptTemplate;
  /** Builds the reproducibility record once the batch id is known; stored in the manifest and the report. */
  record?: () => Promise<BenchmarkRunRecord>;
}

export async function startBatch(
  g: Generations,
  files: string[],
  o: StartBatchOptions,
): Promise<{ batchId: string; suite: SuiteKind; total: number; concurrency: number; workflowId: string; clamped: Clamp[]; policyVersion: number }> {
  const suite = o.suite ?? (await detectSuite(files));
  const batchId = o.batchId ?? `${suite}-${new Date().toISOString().slice(0, 16).replace(/[-:T]/g, '')}-${randomUUID().slice(0, 6)}`;
  checkBatchId(batchId);
  // A disabled tenant uploads nothing; the cases' users (derived from the batch id) are known once they are built.
  await refuseErasedStart(g, o.tenantId, []);
  let cases = await buildBatchCases(suite, files, g.store, batchId, o.tenantId, o.folders ?? {});
  await refuseErasedStart(g, o.tenantId, [...new Set(cases.flatMap((c) => (c.userId ? [c.userId] : [])))]);
  if (o.judgePrompt) {
    const templateKey = judgePromptKey(o.tenantId, batchId);
    await g.store.put(templateKey, Buffer.from(o.judgePrompt.text), 'text/plain; charset=utf-8');
    cases = cases.map((c) => (c.judge ? { ...c, judge: { ...c.judge, promptTemplateKey: templateKey } } : c));
  }
  const manifestKey = batchManifestKey(o.tenantId, batchId);
  const pages = Math.ceil(cases.length / MANIFEST_PAGE_SIZE);
  for (let p = 0; p < pages; p++)
    await g.store.putJson(batchManifestPageKey(o.tenantId, batchId, p), cases.slice(p * MANIFEST_PAGE_SIZE, (p + 1) * MANIFEST_PAGE_SIZE));
  const manifest: BatchManifest = {
    suite,
    files: files.map((f) => path.resolve(f)),
    total: cases.length,
    pages,
    ...(o.record ? { record: await o.record() } : {}),
  };
  await g.store.putJson(manifestKey, manifest);
  const offline = g.config.models.mode === 'offline';
  // The batch runs under the tenant's policy as it is now; each case clamps its own options by it too.
  const under = await startUnderPolicy(g.config, o.tenantId, { options: o.options }, NO_REVIEW, suite === 'requests' ? 'batch' : 'benchmark');
  const policy = under.tenant;
  // Admitted in slices that fit the tenant's caps: never more cases in flight than it may have runs open or queued.
  const requestedConcurrency = o.concurrency ?? g.config.batch.concurrency;
  const concurrency = Math.min(requestedConcurrency, policy.policy.maxOpenRuns, policy.policy.maxQueuedRuns);
  const clamped = [
    ...under.clamped,
    ...(concurrency < requestedConcurrency
      ? [{ field: 'concurrency', requested: requestedConcurrency, applied: concurrency, rule: `at most ${concurrency} runs open or queued` }]
      : []),
  ];
  const input: BatchInput = {
    batchId,
    suite,
    system: `${o.system}${offline ? ' [OFFLINE providers]' : ''}`,
    tenantId: o.tenantId,
    manifestKey,
    total: cases.length,
    concurrency,
    options: withOutageWindow(g.config, o.options) ?? {},
    ...(o.casesPerRun ? { casesPerRun: o.casesPerRun } : {}),
    policy,
    // Cases of a tenant whose policy requires review wait for a reviewer like any run: their decisions are signed.
    reviewAuth: reviewSigner(g.config).reviewAuth(`operator-batch-${batchId}`, policy.policy.review),
  };
  const handle = await g.client.workflow.start(batch, {
    taskQueue: g.config.temporal.taskQueue,
    workflowId: batchWorkflowId(batchId),
    // A running batch of the same id is joined; a finished one is run again, skipping its finished cases.
    workflowIdConflictPolicy: 'USE_EXISTING',
    // Behind interactive work, under the tenant's fairness key: every case and its activities inherit it.
    ...under.dispatch,
    staticSummary: `${suite}: ${cases.length} cases`,
    typedSearchAttributes: runSearchAttributes(g.config, { kind: 'batch', tenantId: o.tenantId, batchId }),
    args: [input],
  });
  return { batchId, suite, total: cases.length, concurrency: input.concurrency, workflowId: handle.workflowId, clamped, policyVersion: policy.version };
}

/**
 * The tenant a batch belongs to (whose prefix holds its objects): its workflow's tenant search attribute, or
 * `fallback` when the workflow is gone (past retention).
 */
export async function batchTenant(g: Generations, batchId: string, fallback: string): Promise<string> {
  const described = await g.client.workflow
    .getHandle(batchWorkflowId(batchId))
    .describe()
    .catch(() => undefined);
  return described?.typedSearchAttributes.get(Tenant) ?? fallback;
}

export async function downloadBatchOutputs(g: Generations, result: BatchResult, dir: string) {
  fs.mkdirSync(path.join(dir, 'images'), { recursive: true });
  const save = async (key: string, name: string) => {
    const file = outputPath(dir, name);
    fs.writeFileSync(file, await g.store.get(key));
    return file;
  };
  const imageKeys = await g.store.list(result.report.imagesPrefix);
  for (let i = 0; i < imageKeys.length; i += 16) {
    await Promise.all(imageKeys.slice(i, i + 16).map((k) => save(k, path.join('images', path.basename(k)))));
  }
  return {
    json: await save(result.report.json, 'report.json'),
    markdown: await save(result.report.markdown, 'report.md'),
    chart: await save(result.report.chart, 'chart.png'),
    images: path.join(dir, 'images'),
    ...(result.report.official ? { official: await save(result.report.official, path.basename(result.report.official)) } : {}),
    // WISE-Verified's side file sits next to scores.jsonl (its key is derived, so the workflow result needs no new field).
    ...(result.report.official?.endsWith('/scores.jsonl')
      ? { unjudged: await save(result.report.official.replace(/scores\.jsonl$/, 'unjudged.jsonl'), 'unjudged.jsonl') }
      : {}),
    batchId: result.batchId,
  };
}
