/**
 * One benchmark case's image before a judge, the way its benchmark asks: the built-in prompt or the
 * benchmark's own template, the images in order, the answer parsed by the benchmark's parser, and for
 * WISE-Verified the judge asked again when its answer holds no score. Shared by the judge activity and by
 * `bench judge-agreement`, which puts a second judge in front of the same cases.
 */
import { buildChecklistJudgePrompt, parseChecklistJudgement } from '../benchmarks/judge/checklistJudge';
import { fillJudgePromptTemplate } from '../benchmarks/judge/promptTemplate';
import { buildWiseJudgePrompt, parseWiseScore, WISE_JUDGE_ATTEMPTS } from '../benchmarks/judge/wiseJudge';
import type { BatchCase, CaseResult } from '../common/batch';
import type { ImageJudge } from '../providers/imageJudge';
import type { ObjectStore } from '../providers/objectStore';

export interface JudgeDeps {
  models: { judge: ImageJudge };
  store: Pick<ObjectStore, 'get'>;
}

export async function judgeCaseImage(deps: JudgeDeps, c: BatchCase, imageKey: string): Promise<NonNullable<CaseResult['judge']>> {
  const judgeModel = deps.models.judge;
  const png = await deps.store.get(imageKey);
  const spec = c.judge!;
  if (spec.kind === 'checklist') {
    const references = await Promise.all(spec.referenceImageKeys.map((k) => deps.store.get(k)));
    const request = c.turns.at(-1)!.request;
    const prompt = spec.promptTemplateKey
      ? fromTemplate(await templateText(deps, spec.promptTemplateKey), {
          prompt: request,
          checklist: spec.checklist.map((item, i) => `${i + 1}. ${item}`).join('\n'),
          world_knowledge: spec.referenceText ?? '',
        })
      : buildChecklistJudgePrompt({ checklist: spec.checklist, request, referenceText: spec.referenceText, referenceImages: references.length });
    const { text, call } = await judgeModel.judgeChecklist({ ...prompt, images: [png, ...references], checklist: spec.checklist });
    return {
      model: call.model,
      provider: judgeModel.provider,
      verdict: parseChecklistJudgement(text, spec.checklist.length),
      raw: text.slice(0, 2000),
      usage: call.usage,
    };
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
    if (verdict.outcome === 'judged' || attempt >= WISE_JUDGE_ATTEMPTS)
      return { model: call.model, provider: judgeModel.provider, verdict, raw: text.slice(0, 2000), usage, attempts: attempt };
  }
}

/** The benchmark's own template: one user message, the filled-in text then the image(s), no system prompt. */
function fromTemplate(text: string, values: Record<string, string>): { system: string; user: string } {
  return { system: '', user: fillJudgePromptTemplate(text, values) };
}

// One batch has one template: read it once per worker rather than once per case.
const templates = new Map<string, Promise<string>>();

function templateText(deps: JudgeDeps, key: string): Promise<string> {
  let text = templates.get(key);
  if (!text) {
    text = deps.store.get(key).then((b) => b.toString('utf8'));
    text.catch(() => templates.delete(key));
    templates.set(key, text);
  }
  return text;
}
