/**
 * Generation-level planning for sessions: only the earlier turns a new request needs enter its context, so a
 * long conversation does not explode the prompt. Scores: explicit turn references, shared content words,
 * embedding similarity where an embedding model exists, and the previous turn for short follow-ups.
 */
import type { HistoryTurn } from '../common/request';
import { contentWords } from '../providers/offline/textTools';
import type { AgentDeps } from './agentDeps';
import { cosine } from '../providers/relevance';

export interface SelectTurnsInput {
  request: string;
  turns: HistoryTurn[];
  maxTurns: number;
  budgetChars: number;
}

export interface SelectTurnsResult {
  selected: HistoryTurn[];
  scores: { index: number; score: number }[];
  method: 'lexical' | 'lexical+embeddings';
}

const ORDINALS: Record<string, number> = { first: 1, second: 2, third: 3, fourth: 4, fifth: 5, sixth: 6, seventh: 7, eighth: 8, ninth: 9, tenth: 10 };
const FOLLOW_UP = /^(now|then|also|and|make it|change|again|same|but|instead|more|less|try)\b/i;
const BACK_REFERENCE = /\b(before|earlier|previous(ly)?|last time|again|same|that|those|the one|from turn)\b/i;
const THRESHOLD = 0.34;

export function selectRelevantTurnsActivity(deps: Pick<AgentDeps, 'models'>) {
  return async function selectRelevantTurns(input: SelectTurnsInput): Promise<SelectTurnsResult> {
    if (!input.turns.length) return { selected: [], scores: [], method: 'lexical' };
    const explicit = new Set<number>();
    for (const m of input.request.matchAll(/\b(?:turn|image|step)\s*#?(\d+)\b/gi)) explicit.add(Number(m[1]));
    for (const m of input.request.matchAll(/\bthe (first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth) (?:one|image|turn|picture|design)\b/gi))
      explicit.add(ORDINALS[m[1]!.toLowerCase()]!);

    let similarity: number[] | undefined;
    if (deps.models.embedder) {
      const [q, ...rest] = await deps.models.embedder.embed([input.request, ...input.turns.map((t) => `${t.request}\n${t.prompt ?? ''}`)]);
      similarity = rest.map((v) => cosine(q!, v));
    }
    const last = input.turns[input.turns.length - 1]!;
    const shortFollowUp = FOLLOW_UP.test(input.request.trim()) || contentWords(input.request).length <= 2;
    const refersBack = BACK_REFERENCE.test(input.request);
    const wanted = new Set(contentWords(input.request));
    const scores = input.turns.map((t, i) => {
      const theirs = contentWords(t.request);
      const shared = theirs.filter((w) => wanted.has(w)).length;
      // Overlap coefficient: a short request naming one thing of an earlier turn ("the logo") matches it fully.
      let score = shared / Math.max(1, Math.min(wanted.size, theirs.length));
      if (refersBack && shared > 0) score += 0.4;
      if (similarity) score = Math.max(score, (similarity[i]! - 0.5) * 2);
      if (explicit.has(t.index)) score += 1;
      if (shortFollowUp && t === last) score += 0.5;
      return { index: t.index, score: Math.round(score * 1000) / 1000 };
    });
    const ranked = [...scores].filter((s) => s.score >= THRESHOLD).sort((a, b) => b.score - a.score || b.index - a.index);
    const selected: HistoryTurn[] = [];
    let budget = input.budgetChars;
    for (const s of ranked) {
      if (selected.length >= input.maxTurns) break;
      const turn = input.turns.find((t) => t.index === s.index)!;
      const cost = turn.request.length + (turn.prompt?.length ?? 0);
      if (cost > budget) continue;
      budget -= cost;
      selected.push(turn);
    }
    selected.sort((a, b) => a.index - b.index);
    return { selected, scores, method: similarity ? 'lexical+embeddings' : 'lexical' };
  };
}
