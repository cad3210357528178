/**
 * ground / web search: at most 5 results, each page fetched through the SSRF-safe fetcher and reduced to
 * readable text, then summarised into concise answers that keep their source URLs.
 */
import type { GroundedAnswer } from '../common/evidence';
import type { EvidenceDocument } from '../providers/agentRoles';
import { gateByRelevance } from '../providers/relevance';
import { readPage } from '../providers/search/pageReader';
import type { AgentDeps } from './agentDeps';
import { answerBase, searchQuery, type GroundQuestionInput } from './groundingInput';

const PAGE_CHARS = 6000;

export function searchWebActivity(deps: Pick<AgentDeps, 'models' | 'webSearch' | 'config'>) {
  return async function searchWeb(input: GroundQuestionInput): Promise<GroundedAnswer> {
    const started = Date.now();
    const results = (await deps.webSearch.search(searchQuery(input), { limit: deps.config.search.maxResults })).slice(0, deps.config.search.maxResults);
    const fetched: EvidenceDocument[] = await Promise.all(
      results.map(async (r) => {
        if (r.content) return { url: r.url, title: r.title, text: r.content.slice(0, PAGE_CHARS) };
        try {
          const page = await readPage(r.url, { ...deps.config.search.fetch }, PAGE_CHARS);
          return { url: r.url, title: page.title || r.title, text: page.text || r.snippet };
        } catch {
          // An unreadable page still contributes its search snippet.
          return { url: r.url, title: r.title, text: r.snippet };
        }
      }),
    );
    if (!fetched.length) {
      return {
        ...answerBase(input),
        status: 'no_answer',
        answer: '',
        items: [],
        references: [],
        via: deps.webSearch.name,
        calls: [],
        durationMs: Date.now() - started,
        note: 'no search results',
      };
    }
    // Only results about the question may reach the summary: a match on one shared word is not evidence.
    const gate = await gateByRelevance(
      input.question.question,
      fetched.map((d) => ({ label: d.url, text: `${d.title}\n${d.text}`, doc: d })),
      deps.config.search.relevance,
      deps.models.embedder,
    );
    const documents = gate.scored.filter((s) => s.kept).map((s) => s.item.doc);
    if (!documents.length) {
      return {
        ...answerBase(input),
        status: 'no_answer',
        answer: 'unknown',
        items: [],
        references: [],
        via: deps.webSearch.name,
        calls: [],
        durationMs: Date.now() - started,
        note: `unknown: all ${fetched.length} result(s) dropped as irrelevant to the question`,
        relevance: gate.record,
      };
    }
    const { value, calls } = await deps.models.summarizer.summarize({
      request: input.request,
      question: input.question.question,
      documents,
      today: input.today,
    });
    return {
      ...answerBase(input),
      status: value.items.length ? 'answered' : 'no_answer',
      answer: value.answer,
      items: value.items,
      references: [],
      via: deps.webSearch.name,
      calls,
      durationMs: Date.now() - started,
      note: `${results.length} result(s), ${documents.length} relevant: ${documents.map((d) => d.url).join(' ')}${gate.record.dropped.length ? `; dropped as irrelevant: ${gate.record.dropped.map((d) => d.label).join(' ')}` : ''}`,
      relevance: gate.record,
    };
  };
}
