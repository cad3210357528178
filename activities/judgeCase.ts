/**
 * The benchmark judge: the generated image (and reference images) to a VLM at temperature 0, its answer parsed
 * by the benchmark's own parser. Refusals, unparseable answers and judge errors are recorded as such. The case
 * result is written to S3 under a deterministic key, so a retried judge overwrites rather than duplicates.
 */
import { buildChecklistJudgePrompt, parseChecklistJudgement } from '../benchmarks/judge/checklistJudge';
import { fillJudgePromptTemplate } from '../benchmarks/judge/promptTemplate';
import { buildWiseJudgePrompt, parseWiseScore, WISE_JUDGE_ATTEMPTS } from '../benchmarks/judge/wiseJudge';
import type { BatchCase, CaseResult, CaseSummary } from '../common/batch';
import { caseResultKey } from '../common/objectKeys';
import type { AgentDeps } from './agentDeps';
import { caseDegradation } from './caseDegradation';
import { toActivityFailure } from './failures';

export interface JudgeCaseInput {
  batchId: string;
  case: BatchCase;
  imageKey?: string;
  generationError?: string;
  turnWorkflowIds: string[];
  usage: CaseResult['usage'];
  durationMs: number;
  /** Set when judging failed after its retries: the case is recorded with an error verdict, not judged again. */
  judgeError?: string;
}

export function judgeCaseActivity(deps: Pick<AgentDeps, 'models' | 'store'>) {
  return async function judgeCase(input: JudgeCaseInput): Promise<CaseSummary> {
    const degraded = await caseDegradation(deps.store, input.turnWorkflowIds);
    const base = {
      caseId: input.case.id,
      ...(input.case.meta ? { meta: input.case.meta } : {}),
      turnWorkflowIds: input.turnWorkflowIds,
      usage: input.usage,
      durationMs: input.durationMs,
      ...(degraded.length ? { degraded } : {}),
    };
    let result: CaseResult;
    if (!input.imageKey) {
      result = { ...base, status: 'generation_failed', error: input.generationError, ...(input.case.judge ? { judge: { model: 'none', provider: 'none', verdict: { outcome: 'no_image', message: input.generationError ?? 'no image' } } } : {}) };
    } else {
      const judged = !input.case.judge
        ? undefined
        : input.judgeError !== undefined
          ? { model: deps.models.judge.model, provider: deps.models.judge.provider, verdict: { outcome: 'error', message: input.judgeError.slice(0, 500) } }
          : await judge(deps, input.case, input.imageKey).catch((err: unknown) => {
              throw toActivityFailure(err);
            });
      result = { ...base, status: 'done', imageKey: input.imageKey, ...(judged ? { judge: judged } : {}) };
    }
    await deps.store.putJson(caseResultKey(input.batchId, input.case.id), result);
    return { caseId: input.case.id, status: result.status, ...(passedOf(result) !== undefined ? { passed: passedOf(result) } : {}) };
  };
}

async function judge(deps: Pick<AgentDeps, 'models' | 'store'>, c: BatchCase, imageKey: string): Promise<NonNullable<CaseResult['judge']>> {
  const judgeModel = deps.models.judge;
  const png = await deps.store.get(imageKey);
  const spec = c.judge!;
  if (spec.kind === 'checklist') {
    const references = await Promise.all(spec.referenceImageKeys.map((k) => deps.store.get(k)));
    const request = c.turns.at(-1)!.request;
    const prompt = spec.promptTemplateKey
      ? fromTemplate(await templateText(deps, spec.promptTemplateKey), { prompt: request, checklist: spec.checklist.map((item, i) => `${i + 1}. ${item}`).join('\n'), world_knowledge: spec.referenceText ?? '' })
      : buildChecklistJudgePrompt({ checklist: spec.checklist, request, referenceText: spec.referenceText, referenceImages: references.length });
    const { text, call } = await judgeModel.judgeChecklist({ ...prompt, images: [png, ...references], checklist: spec.checklist });
    return { model: call.model, provider: judgeModel.provider, verdict: parseChecklistJudgement(text, spec.checklist.length), raw: text.slice(0, 2000), usage: call.usage };
  }
  const prompt = spec.promptTemplateKey
    ? fromTemplate(await templateText(deps, spec.promptTemplateKey), { prompt: spec.prompt, explanation: spec.explanation })
    : buildWiseJudgePrompt({ prompt: spec.prompt, explanation: spec.explanation });
  // The official evaluator asks again when it finds no score, up to WISE_JUDGE_ATTEMPTS in all.
  let usage = { inputTokens: 0, outputTokens: 0 };
  for (let attempt = 1; ; attempt++) {
    const { text, call } = await judgeModel.judgeWise({ ...prompt, images: [png], prompt: spec.prompt, explanation: spec.explanation });
    usage = { inputTokens: usage.inputTokens + call.usage.inputTokens, outputTokens: usage.outputTokens + call.usage.outputTokens };
    const verdict = parseWiseScore(text);
    if (verdict.outcome === 'judged' || attempt >= WISE_JUDGE_ATTEMPTS) return { model: call.model, provider: judgeModel.provider, verdict, raw: text.slice(0, 2000), usage, attempts: attempt };
  }
}

/** The benchmark's own template: one user message, the filled-in text then the image(s), no system prompt. */
function fromTemplate(text: string, values: Record<string, string>): { system: string; user: string } {
  return { system: '', user: fillJudgePromptTemplate(text, values) };
}

// One batch has one template: read it once per worker rather than once per case.
const templates = new Map<string, Promise<string>>();

function templateText(deps: Pick<AgentDeps, 'store'>, key: string): Promise<string> {
  let text = templates.get(key);
  if (!text) {
    text = deps.store.get(key).then((b) => b.toString('utf8'));
    text.catch(() => templates.delete(key));
    templates.set(key, text);
  }
  return text;
}

function passedOf(r: CaseResult): boolean | undefined {
  const v = r.judge?.verdict as { outcome: string; results?: boolean[]; score?: number } | undefined;
  if (!v || v.outcome !== 'judged') return undefined;
  return v.results ? v.results.every(Boolean) && v.results.length > 0 : v.score === 1;
}
