/**
 * The batch report, from the per-case results in S3: metrics exactly as published, our numbers next to the
 * paper's (JSON, Markdown, a PNG chart), the official result file of the suite (MindBench results JSONL, WISE
 * scores JSONL), and every judged image copied under its official name. Also run on a cancelled batch, where it
 * reports the cases finished so far.
 */
import type { IaBenchCaseResult } from '../benchmarks/iaBench/metrics';
import type { Capability, Subtask } from '../benchmarks/iaBench/taxonomy';
import type { ChecklistVerdict, WiseVerdict } from '../benchmarks/judge/verdicts';
import type { MindBenchCaseResult } from '../benchmarks/mindBench/metrics';
import { formatMindBenchResults } from '../benchmarks/mindBench/results';
import type { BenchmarkRunResults } from '../benchmarks/report/buildReport';
import { renderReport } from '../benchmarks/report/renderReport';
import type { BenchmarkRunRecord } from '../benchmarks/report/runRecord';
import type { WiseCaseResult } from '../benchmarks/wise/metrics';
import { formatWiseScores } from '../benchmarks/wise/scores';
import type { BatchCase, BatchManifest, BatchReportKeys, CaseResult, SuiteKind } from '../common/batch';
import { batchImagesPrefix, batchManifestKey, batchReportPrefix } from '../common/objectKeys';
import type { AgentDeps } from './agentDeps';
import { listCaseResults, readAllCases, readBatchJson } from './batchCases';
import { currentTenant } from './currentWorkflow';

export interface WriteBatchReportInput {
  batchId: string;
  suite: SuiteKind;
  system: string;
  /** Where the client put the manifest; the activity reads its own tenant's (or, for a batch from before, the old) key. */
  manifestKey: string;
  generatedAt: string;
}

const PARALLEL = 16;

async function inBatches<T, R>(items: readonly T[], body: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += PARALLEL) out.push(...(await Promise.all(items.slice(i, i + PARALLEL).map(body))));
  return out;
}

export function writeBatchReportActivity(deps: Pick<AgentDeps, 'store' | 'ledger'>) {
  return async function writeBatchReport(input: WriteBatchReportInput): Promise<BatchReportKeys & { cases: number; unjudged?: string }> {
    const tenant = currentTenant();
    const manifest = await readBatchJson<BatchManifest>(deps.store, batchManifestKey(tenant, input.batchId));
    const cases = await readAllCases(deps.store, tenant, input.batchId, manifest);
    const byId = new Map(cases.map((c) => [c.id, c]));
    const keys = await listCaseResults(deps.store, tenant, input.batchId);
    // A case of a batch from before tenant prefixes may have a result under both prefixes: the newer (listed first) wins.
    const found = new Map<string, CaseResult>();
    for (const r of await inBatches(keys, (k) => deps.store.getJson<CaseResult>(k))) if (byId.has(r.caseId) && !found.has(r.caseId)) found.set(r.caseId, r);
    const results = [...found.values()];
    const prefix = batchReportPrefix(tenant, input.batchId);
    // The report is worth more than its spend line: with Postgres down it is written without one, and says so.
    const spend = await deps.ledger?.batchSpend(tenant, input.batchId).catch((err: unknown) => {
      console.warn(`batch ${input.batchId}: the report is written without its spend (the ledger could not be read: ${(err as Error).message})`);
      return undefined;
    });
    const imagesPrefix = batchImagesPrefix(tenant, input.batchId);

    // Judged images under their official names, next to the report.
    await inBatches(
      results.filter((r) => r.imageKey),
      async (r) => {
        const name = byId.get(r.caseId)!.outputName ?? `${r.caseId}.png`;
        await deps.store.put(`${imagesPrefix}${name}`, await deps.store.get(r.imageKey!), 'image/png');
      },
    );

    const run: BenchmarkRunResults = {
      system: input.system,
      runId: input.batchId,
      generatedAt: input.generatedAt,
      ...(manifest.record ? { record: withJudgeModelsUsed(manifest.record, results) } : {}),
      degraded: results.filter((r) => r.degraded?.length).map((r) => ({ caseId: r.caseId, reasons: r.degraded! })),
      ...(spend?.calls ? { spend } : {}),
    };
    let official: { name: string; body: string } | undefined;
    let sideFile: { name: string; body: string } | undefined;
    if (input.suite === 'ia-bench') {
      run.iaBench = results.map((r): IaBenchCaseResult => ({
        id: r.caseId,
        capability: String(r.meta?.capability) as Capability,
        subtask: String(r.meta?.subtask) as Subtask,
        checklist: checklistOf(byId.get(r.caseId)!),
        verdict: r.judge!.verdict as ChecklistVerdict,
        ...(r.imageKey ? { image: r.imageKey } : {}),
      }));
    } else if (input.suite === 'mindbench') {
      run.mindBench = results.map((r): MindBenchCaseResult => ({
        type: String(r.meta?.Type),
        id: r.meta?.ID ?? r.caseId,
        checklist: checklistOf(byId.get(r.caseId)!),
        verdict: r.judge!.verdict as ChecklistVerdict,
      }));
      official = { name: 'results.jsonl', body: formatMindBenchResults(run.mindBench).jsonl };
    } else if (input.suite === 'wise') {
      const judged = results.map((r): WiseCaseResult => ({ promptId: Number(r.meta?.prompt_id), verdict: r.judge!.verdict as WiseVerdict }));
      // Every prompt of the input gets its line, so a case that never finished (a cancelled batch) is a 0 with its reason.
      const unfinished = cases
        .filter((c) => !results.some((r) => r.caseId === c.id))
        .map((c): WiseCaseResult => ({
          promptId: Number(c.meta?.prompt_id),
          verdict: { outcome: 'error', message: 'the case did not finish (batch cancelled or incomplete)' },
        }));
      run.wise = [...judged, ...unfinished];
      const files = formatWiseScores(run.wise);
      official = { name: 'scores.jsonl', body: files.jsonl };
      sideFile = { name: 'unjudged.jsonl', body: files.unjudgedJsonl };
    }

    const requestsSummary =
      input.suite === 'requests' ? { cases: results.map((r) => ({ caseId: r.caseId, status: r.status, imageKey: r.imageKey, error: r.error })) } : {};
    const { json, markdown, chartPng } = await renderReport(run, { ...requestsSummary, caseResults: results });
    await deps.store.put(`${prefix}report.json`, Buffer.from(json), 'application/json');
    await deps.store.put(`${prefix}report.md`, Buffer.from(markdown), 'text/markdown; charset=utf-8');
    await deps.store.put(`${prefix}chart.png`, chartPng, 'image/png');
    if (official) await deps.store.put(`${prefix}${official.name}`, Buffer.from(official.body), 'application/x-ndjson');
    if (sideFile) await deps.store.put(`${prefix}${sideFile.name}`, Buffer.from(sideFile.body), 'application/x-ndjson');
    return {
      json: `${prefix}report.json`,
      markdown: `${prefix}report.md`,
      chart: `${prefix}chart.png`,
      ...(official ? { official: `${prefix}${official.name}` } : {}),
      ...(sideFile ? { unjudged: `${prefix}${sideFile.name}` } : {}),
      imagesPrefix,
      cases: results.length,
    };
  };
}

/** The record was made where the batch started; the judge models the workers actually used are the cases' own. */
function withJudgeModelsUsed(record: BenchmarkRunRecord, results: readonly CaseResult[]): BenchmarkRunRecord {
  const used = [...new Set(results.map((r) => r.judge?.model).filter((m): m is string => m !== undefined && m !== 'none'))].sort();
  return { ...record, judge: { ...record.judge, modelsUsed: used } };
}

function checklistOf(c: BatchCase): string[] {
  return c.judge?.kind === 'checklist' ? c.judge.checklist : [];
}
