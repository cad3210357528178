/**
 * What the agent is told of a run when a reviewer asks about it (the respond action): the plan's questions with
 * their grounded answers and sources, the checklist, the candidate(s) under review with their prompt and
 * verdicts, a line for each earlier candidate, and the questions already answered. Compact, because it is the
 * input of one activity and goes into the run's history; assembled by workflows/generate/review/questionContext.ts.
 */
import type { Source } from './evidence';
import type { VerdictStatus } from './generation';

export interface QuestionContext {
  request: string;
  /** The run's date (YYYY-MM-DD). */
  today: string;
  /** The gate that waits for the reviewer's decision. */
  gate: 'plan' | 'result';
  intent?: string;
  grounding: {
    id: string;
    question: string;
    route: string;
    status: string;
    answer: string;
    items: { text: string; sources: Source[] }[];
  }[];
  checklist: { id: string; statement: string }[];
  /** The candidate(s) the reviewer decides on: one per planned image. */
  underReview: {
    key: string;
    imageIndex: number;
    round: number;
    prompt: string;
    style: string;
    avoid: string[];
    verdicts: { itemId: string; status: VerdictStatus; reason: string }[];
  }[];
  /** Every earlier candidate, one line each: its checks, and the feedback it was rejected with. */
  earlier: { key: string; imageIndex: number; round: number; checks: string; rejectedWith?: string }[];
  /** Questions already answered on this run, for follow-ups. */
  asked: { question: string; answer: string }[];
}

/** A reviewer's question with the run's context: the respond activity's input. */
export interface QuestionInput {
  question: string;
  context: QuestionContext;
}

/** Every source the run's context cites, by URL (an answer may cite only these). */
export function contextSources(context: QuestionContext): Map<string, Source> {
  const sources = new Map<string, Source>();
  for (const g of context.grounding) for (const item of g.items) for (const s of item.sources) if (!sources.has(s.url)) sources.set(s.url, s);
  return sources;
}

/** The context as lines a reader (or the offline respondent) can quote, each with the sources it rests on. */
export function contextLines(c: QuestionContext): { text: string; sources: Source[] }[] {
  const line = (text: string, sources: Source[] = []) => ({ text, sources });
  const statement = (id: string) => c.checklist.find((i) => i.id === id)?.statement ?? id;
  return [
    line(`Image request: ${c.request}`),
    line(`Waiting for: ${c.gate === 'plan' ? 'the plan review (nothing is rendered yet)' : 'the result review'}; today is ${c.today}`),
    ...(c.intent ? [line(`Plan: ${c.intent}`)] : []),
    ...c.grounding.flatMap((g) => [
      line(
        `Question ${g.id} (${g.route}): ${g.question} → ${g.status}${g.answer ? `: ${g.answer}` : ''}`,
        g.items.flatMap((i) => i.sources),
      ),
      ...g.items.map((i) => line(`  ${g.id} fact: ${i.text}${i.sources.length ? ` [${i.sources.map((s) => s.url).join(', ')}]` : ''}`, i.sources)),
    ]),
    ...c.checklist.map((i) => line(`Checklist ${i.id}: ${i.statement}`)),
    ...c.underReview.flatMap((u) => [
      line(`Under review: image ${u.imageIndex}, round ${u.round} (${u.key})`),
      line(`  prompt: ${u.prompt}`),
      ...(u.style ? [line(`  style: ${u.style}`)] : []),
      ...(u.avoid.length ? [line(`  avoids: ${u.avoid.join('; ')}`)] : []),
      ...u.verdicts.map((v) => line(`  ${v.itemId} ${v.status}: ${statement(v.itemId)} (${v.reason})`)),
    ]),
    ...c.earlier.map((e) =>
      line(`Earlier: image ${e.imageIndex}, round ${e.round}: ${e.checks}${e.rejectedWith ? `; rejected with "${e.rejectedWith}"` : ''}`),
    ),
    ...c.asked.map((a) => line(`Asked before: ${a.question} → ${a.answer}`)),
  ];
}
