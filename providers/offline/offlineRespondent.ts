/**
 * Zero-key respond: no model reads the question, so the offline respondent quotes the lines of the run's context
 * that share the most words with it, and their sources, and says plainly that no model answered.
 */
import type { Source } from '../../common/evidence';
import type { Modelled } from '../../common/modelCall';
import { contextLines, type QuestionInput } from '../../common/questionContext';
import type { ReviewRespondent } from '../agentRoles';
import { offlineCall } from './offlineCall';
import { overlapScore } from './textTools';

/** How every offline answer begins, so nobody takes it for a model's. */
const LABEL = 'OFFLINE ANSWER (no model was asked)';
const QUOTED_LINES = 2;

export class OfflineRespondent implements ReviewRespondent {
  async respond(input: QuestionInput): Promise<Modelled<{ answer: string; sources: Source[] }>> {
    const started = Date.now();
    const best = contextLines(input.context)
      .map((l, i) => ({ ...l, i, score: overlapScore(input.question, l.text) }))
      .filter((l) => l.score > 0)
      // Highest overlap first; the earlier line on a tie, so the answer is the same every time.
      .sort((a, b) => b.score - a.score || a.i - b.i)
      .slice(0, QUOTED_LINES);
    const answer = best.length
      ? `${LABEL}: the parts of this run's context closest to your question are ${best.map((l) => `"${l.text.trim()}"`).join(' and ')}.`
      : `${LABEL}: nothing in this run's context shares a word with your question. With a model configured, the agent answers from the plan, the sources, the checklist and the verdicts.`;
    const sources = [...new Map(best.flatMap((l) => l.sources).map((s) => [s.url, s])).values()];
    return { value: { answer, sources }, calls: [offlineCall('answer_review_question', 'offline-rule-respondent', input.question, answer, started)] };
  }
}
