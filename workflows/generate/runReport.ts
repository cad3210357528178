/**
 * What a run hands out: its live status (the status query), its result, and its report in object storage.
 * Prompts live once, in the report and the activity results; status and result carry verdicts only.
 */
import { patched, workflowInfo } from '@temporalio/workflow';
import type { Candidate } from '../../common/generation';
import type { GenerateImageResult, ImageOutcome, RunOutcome } from '../../common/runResult';
import type { RunStatus } from './generationMessages';
import { REPORT_AS_LOCAL_ACTIVITY } from '../patches';
import type { Run } from './run';

export function statusOf(run: Run): RunStatus {
  return {
    workflowId: workflowInfo().workflowId,
    request: run.input.request,
    stage: run.stage,
    round: run.candidates.at(-1)?.round ?? 0,
    approval: run.gate.approval,
    pendingReview: run.gate.pending,
    plan: run.plan,
    answers: run.grounded.answers.map(({ calls: _calls, ...a }) => a),
    checklist: run.checklist,
    candidates: run.candidates.map(stripCalls),
    current: run.images.map((i) => stripCalls(i.final)),
    decisions: run.gate.decisions,
    questions: run.questions,
    usage: run.recorder.usage,
    providers: run.providers(),
    degraded: run.degraded(),
  };
}

export function resultOf(run: Run, outcome: RunOutcome, remembered?: GenerateImageResult['remembered']): GenerateImageResult {
  const images = run.images.map(withoutCalls);
  return {
    workflowId: workflowInfo().workflowId,
    request: run.input.request,
    outcome,
    approval: run.gate.approval,
    decisions: run.gate.decisions,
    providers: run.providers(),
    ...(run.plan ? { plan: run.plan } : {}),
    answers: run.grounded.answers.map((a) => ({ ...a, calls: [] })),
    ...(run.grounded.memory ? { memory: run.grounded.memory } : {}),
    checklist: run.checklist,
    images,
    ...(images[0] ? { final: images[0].final } : {}),
    ...(remembered ? { remembered } : {}),
    ...(run.degraded().length ? { degraded: run.degraded() } : {}),
    ablations: run.options.ablations,
    usage: run.recorder.usage,
    timings: run.recorder.timings,
  } as GenerateImageResult;
}

/** The run report (JSON in object storage): the result plus every model call and ignored signal. */
export async function writeReport(run: Run, outcome: RunOutcome, result = resultOf(run, outcome)): Promise<{ key: string; cost?: number }> {
  const info = workflowInfo();
  const stub = patched(REPORT_AS_LOCAL_ACTIVITY) ? run.acts.localReport : run.acts.report;
  return stub.writeReport({
    schemaVersion: 1,
    workflowId: info.workflowId,
    runId: info.runId,
    startedAt: new Date(info.startTime).toISOString(),
    input: run.input,
    result,
    calls: run.recorder.calls,
    ignoredSignals: run.gate.ignoredSignals,
    // Only runs that were asked something carry it, so every other report's input is as before.
    ...(run.questions.length ? { questions: run.questions } : {}),
  });
}

function stripCalls(c: Candidate): Candidate {
  return c.critique ? { ...c, critique: { ...c.critique, calls: [] } } : c;
}

function withoutCalls(outcome: ImageOutcome): ImageOutcome {
  return { ...outcome, final: stripCalls(outcome.final), candidates: outcome.candidates.map(stripCalls) };
}
