/**
 * The run's context for a reviewer's question (common/questionContext.ts), assembled from the run's state:
 * compact, since it is the answer activity's input and so part of the history. Pure; no commands.
 */
import { verdictStatus, verdictSummary, type Candidate } from '../../../common/generation';
import type { QuestionContext } from '../../../common/questionContext';
import type { Run } from '../run';

/** The longest text of each kind the context carries; the answer needs the gist, the report has the rest. */
const CUT = { answer: 600, item: 300, prompt: 2000, reason: 200, feedback: 300, asked: 400 } as const;
const ITEMS_PER_ANSWER = 8;
/** The latest questions answered, for follow-ups. */
const ASKED_KEPT = 5;

const cut = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, max)}…`);

export function questionContext(run: Run, gate: 'plan' | 'result'): QuestionContext {
  const underReview = gate === 'result' ? run.images.map((i) => i.final) : [];
  const reviewed = new Set(underReview.map((c) => c.image.key));
  const rejected = (c: Candidate) => run.gate.decisions.find((d) => d.kind === 'result' && d.decision === 'reject' && d.candidateKey === c.image.key);
  return {
    request: run.input.request,
    today: run.today,
    gate,
    ...(run.plan ? { intent: run.plan.intent } : {}),
    grounding: run.grounded.answers.map((a) => ({
      id: a.questionId,
      question: a.question,
      route: a.route,
      status: a.status,
      answer: cut(a.answer, CUT.answer),
      items: a.items.slice(0, ITEMS_PER_ANSWER).map((i) => ({ text: cut(i.text, CUT.item), sources: i.sources })),
    })),
    checklist: run.checklist.map((i) => ({ id: i.id, statement: i.statement })),
    underReview: underReview.map((c) => ({
      key: c.image.key,
      imageIndex: c.imageIndex,
      round: c.round,
      prompt: cut(c.context.prompt, CUT.prompt),
      style: c.context.style,
      avoid: c.context.avoid,
      verdicts: (c.critique?.verdicts ?? []).map((v) => ({ itemId: v.itemId, status: verdictStatus(v), reason: cut(v.reason, CUT.reason) })),
    })),
    earlier: run.candidates
      .filter((c) => !reviewed.has(c.image.key))
      .map((c) => {
        const feedback = rejected(c)?.feedback;
        return {
          key: c.image.key,
          imageIndex: c.imageIndex,
          round: c.round,
          checks: c.critique ? verdictSummary(c.critique) : 'not judged',
          ...(feedback ? { rejectedWith: cut(feedback, CUT.feedback) } : {}),
        };
      }),
    asked: run.questions.slice(-ASKED_KEPT).map((q) => ({ question: q.question, answer: cut(q.answer, CUT.asked) })),
  };
}
