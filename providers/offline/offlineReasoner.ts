/**
 * The zero-key reasoner: evaluates hidden arithmetic exactly, and otherwise looks the question up in the
 * local knowledge corpus (labelled as such). It never pretends to reason about what it cannot compute.
 */
import type { ContextItem } from '../../common/evidence';
import type { Modelled } from '../../common/modelCall';
import type { ReasonInput, Reasoner } from '../agentRoles';
import type { WebSearch } from '../search/webSearch';
import { evaluateArithmetic, findArithmetic } from './arithmetic';
import { offlineCall } from './offlineCall';
import { overlapScore, sentences } from './textTools';

export class OfflineReasoner implements Reasoner {
  constructor(private readonly corpus: WebSearch) {}

  async answer(input: ReasonInput): Promise<Modelled<{ answer: string; items: ContextItem[] }>> {
    const started = Date.now();
    const value = (await this.arithmetic(input)) ?? (await this.fromCorpus(input)) ?? { answer: '', items: [] };
    return { value, calls: [offlineCall('reason', 'offline-rule-reasoner', input.question, JSON.stringify(value), started)] };
  }

  private async arithmetic(input: ReasonInput): Promise<{ answer: string; items: ContextItem[] } | undefined> {
    const expr = findArithmetic(input.question) ?? findArithmetic(input.request);
    const result = expr === undefined ? undefined : evaluateArithmetic(expr);
    if (expr === undefined || result === undefined) return undefined;
    const items: ContextItem[] = [{ text: `${expr} = ${result}`, sources: [] }];
    const counted = new RegExp(`as (?:many|much) ([\\p{L}\\s-]{2,40}?) as ${escapeRegExp(expr)}`, 'u').exec(input.request);
    if (counted) items.push({ text: `exactly ${result} ${counted[1]!.trim()}`, sources: [] });
    return { answer: String(result), items };
  }

  private async fromCorpus(input: ReasonInput): Promise<{ answer: string; items: ContextItem[] } | undefined> {
    const [hit] = await this.corpus.search(input.question, { limit: 1 });
    if (!hit) return undefined;
    const best = sentences(hit.content ?? hit.snippet)
      .filter((s) => !/sample offline data/i.test(s))
      .map((s) => ({ s, score: overlapScore(input.question, s) }))
      .sort((a, b) => b.score - a.score)[0];
    if (!best || best.score < 0.2) return undefined;
    return { answer: best.s, items: [{ text: best.s, sources: [{ title: hit.title, url: hit.url }] }] };
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
