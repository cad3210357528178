/**
 * The zero-key reasoner: computes what can be computed (arithmetic in symbols or words, unit conversions,
 * dates relative to the run's date) with mathjs, and otherwise looks the question up in the local knowledge
 * corpus (labelled as such) behind the same relevance gate as web search. What it cannot answer it says so.
 */
import type { ContextItem } from '../../common/evidence';
import type { Modelled } from '../../common/modelCall';
import type { ReasonInput, Reasoner } from '../agentRoles';
import { lexicalRelevance, type RelevancePolicy } from '../relevance';
import type { WebSearch } from '../search/webSearch';
import { evaluateArithmetic, findArithmetic, findConversion, findRelativeDate, wordsToSymbols } from './arithmetic';
import { offlineCall } from './offlineCall';
import { overlapScore, sentences } from './textTools';

type Answer = { answer: string; items: ContextItem[] };

export class OfflineReasoner implements Reasoner {
  constructor(
    private readonly corpus: WebSearch,
    private readonly relevance: RelevancePolicy = { threshold: 0.5, minSimilarity: 1 },
  ) {}

  async answer(input: ReasonInput): Promise<Modelled<Answer>> {
    const started = Date.now();
    const value = this.arithmetic(input) ?? this.conversion(input) ?? this.relativeDate(input) ?? (await this.fromCorpus(input)) ?? { answer: '', items: [] };
    return { value, calls: [offlineCall('reason', 'offline-rule-reasoner', input.question, JSON.stringify(value), started)] };
  }

  private arithmetic(input: ReasonInput): Answer | undefined {
    const expr = findArithmetic(input.question) ?? findArithmetic(input.request);
    const result = expr === undefined ? undefined : evaluateArithmetic(expr);
    if (expr === undefined || result === undefined) return undefined;
    const items: ContextItem[] = [{ text: `${expr} = ${result}`, sources: [] }];
    const counted = new RegExp(`as (?:many|much) ([\\p{L}\\s-]{2,40}?) as ${escapeRegExp(expr)}`, 'u').exec(wordsToSymbols(input.request));
    if (counted) items.push({ text: `exactly ${result} ${counted[1]!.trim()}`, sources: [] });
    return { answer: String(result), items };
  }

  private conversion(input: ReasonInput): Answer | undefined {
    const found = findConversion(input.question) ?? findConversion(input.request);
    if (!found) return undefined;
    return { answer: found.result, items: [{ text: `${found.expression} = ${found.result}`, sources: [] }] };
  }

  private relativeDate(input: ReasonInput): Answer | undefined {
    const found = findRelativeDate(input.question, input.today) ?? findRelativeDate(input.request, input.today);
    if (!found || found.phrase === 'today') return undefined;
    return { answer: found.iso, items: [{ text: `"${found.phrase}" is ${found.weekday} ${found.iso} (today is ${input.today})`, sources: [] }] };
  }

  private async fromCorpus(input: ReasonInput): Promise<Answer | undefined> {
    const [hit] = await this.corpus.search(input.question, { limit: 1 });
    if (!hit) return undefined;
    // The same gate as web search: a document that shares a word with the question is not its answer.
    if (lexicalRelevance(input.question, `${hit.title}\n${hit.content ?? hit.snippet}`).score < this.relevance.threshold) return undefined;
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
