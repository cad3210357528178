/**
 * Run-level metrics read from the run report as the writeReport activity stores it: outcome, rounds,
 * final checklist pass ratio, stage durations, tokens and cost per model and tenant, review decisions and
 * how long each waited. One report per run, so these count runs, not attempts.
 */
import type { Prices } from '../common/config';
import type { RunReport } from '../common/runResult';
import { costOf } from '../activities/writeReport';
import * as m from './appMetrics';

/** "render (image 0, round 2)" → "render": stage labels stay bounded. */
function stageLabel(stage: string): string {
  return stage.replace(/\s*\(.*\)\s*$/, '').trim() || 'other';
}

export function recordRunReport(report: Omit<RunReport, 'cost'>, prices: Prices): void {
  const tenant = report.input.tenantId;
  const result = report.result;
  m.runs.inc({ outcome: result.outcome, tenant });
  for (const image of result.images) {
    m.roundsPerRun.observe(image.candidates.length);
    const critique = image.final.critique;
    if (critique && critique.total > 0) m.finalChecklistPassRatio.observe(critique.passed / critique.total);
  }
  for (const t of result.timings) m.stageDuration.observe({ stage: stageLabel(t.stage) }, t.durationMs / 1000);
  for (const call of report.calls) {
    m.modelTokens.inc({ model: call.model, tenant, direction: 'input' }, call.usage.inputTokens);
    m.modelTokens.inc({ model: call.model, tenant, direction: 'output' }, call.usage.outputTokens);
  }
  const cost = costOf(report, prices);
  for (const [model, entry] of Object.entries(cost?.byModel ?? {})) if (entry.cost > 0) m.modelCost.inc({ model, tenant }, entry.cost);
  const stageEnds = result.timings.map((t) => Date.parse(t.startedAt) + t.durationMs);
  for (const d of result.decisions) {
    m.reviewDecisions.inc({ kind: d.kind, decision: d.decision, via: d.via });
    // The wait is from the last stage that ended before the decision (the gate opened then) to the decision.
    const at = Date.parse(d.at);
    const opened = Math.max(...stageEnds.filter((end) => end <= at), Date.parse(report.startedAt));
    if (Number.isFinite(at) && Number.isFinite(opened)) m.reviewWait.observe((at - opened) / 1000);
  }
}
